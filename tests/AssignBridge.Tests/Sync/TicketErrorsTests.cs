using System.Net;
using System.Text;
using AssignBridge.Tickets;

namespace AssignBridge.Tests.Sync;

/// <summary>
/// How the writers read failure answers: the error bodies of docs/ticket-apis.md (Jira's error collection, ServiceNow's
/// error object and its token endpoint's OAuth error) and the wait headers.
/// </summary>
public sealed class TicketErrorsTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 2, 10, 0, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("""{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}""", "Issue does not exist or you do not have permission to see it.")]
    [InlineData("""{"errorMessages":[],"errors":{"assignee":"User 'x' cannot be assigned issues."}}""", "assignee: User 'x' cannot be assigned issues.")]
    [InlineData("""{"errorMessages":["One"],"errors":{"assignee":"Two","summary":"Three"}}""", "One; assignee: Two; summary: Three")]
    public void JiraDetail_ErrorCollection_MessagesAndFieldErrorsOnOneLine(string body, string expected) =>
        Assert.Equal(expected, JiraTicketWriter.ParseDetail(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("""{"message":"not Jira's shape"}""")]
    [InlineData("not json")]
    [InlineData("""{"errorMessages":[],"errors":{}}""")]
    public void JiraDetail_OtherShapes_Null(string body) =>
        Assert.Null(JiraTicketWriter.ParseDetail(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("""{"error":{"message":"No Record found","detail":"Record doesn't exist or ACL restricts the record retrieval"},"status":"failure"}""", "No Record found: Record doesn't exist or ACL restricts the record retrieval")]
    [InlineData("""{"error":{"message":"Invalid table x","detail":null},"status":"failure"}""", "Invalid table x")]
    [InlineData("""{"error":"invalid_client","error_description":"access_denied"}""", "invalid_client: access_denied")]
    public void ServiceNowDetail_ErrorObjectOrOAuthError_MessageAndDetail(string body, string expected) =>
        Assert.Equal(expected, ServiceNowTicketWriter.ParseDetail(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void RetryAfter_Seconds_ThatLong()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.TryAddWithoutValidation("Retry-After", "17");

        Assert.Equal(TimeSpan.FromSeconds(17), TicketWriteException.RetryAfterOf(response, s_now));
    }

    [Fact]
    public void RetryAfter_HttpDate_UntilThenFromNow()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)503);
        response.Headers.TryAddWithoutValidation("Retry-After", "Mon, 02 Mar 2026 10:02:00 GMT");

        Assert.Equal(TimeSpan.FromSeconds(90), TicketWriteException.RetryAfterOf(response, s_now));
    }

    [Fact]
    public void RetryAfter_HttpDatePassed_Zero()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)503);
        response.Headers.TryAddWithoutValidation("Retry-After", "Mon, 02 Mar 2026 09:00:00 GMT");

        Assert.Equal(TimeSpan.Zero, TicketWriteException.RetryAfterOf(response, s_now));
    }

    [Fact]
    public void JiraRetryAfter_RetryAfterAndReset_RetryAfterWins()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.TryAddWithoutValidation("Retry-After", "5");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", "2026-03-02T10:05Z");

        Assert.Equal(TimeSpan.FromSeconds(5), JiraTicketWriter.RetryAfterOf(response, s_now));
    }

    [Fact]
    public void JiraRetryAfter_ResetOnly_UntilTheReset()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset", "2026-03-02T10:05Z");

        Assert.Equal(TimeSpan.FromSeconds(270), JiraTicketWriter.RetryAfterOf(response, s_now));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    public void IsRetryable_ByStatus(int status, bool retryable) =>
        Assert.Equal(retryable, new TicketWriteException("Jira", status, "x").IsRetryable);

    [Fact]
    public void Message_NamesSystemStatusAndDetail()
    {
        Assert.Equal("ServiceNow answered 403: Operation Failed (hint)", new TicketWriteException("ServiceNow", 403, "Operation Failed", hint: "hint").Message);
        Assert.Equal("Jira did not answer: ConnectionError", new TicketWriteException("Jira", 0, "ConnectionError").Message);
    }
}

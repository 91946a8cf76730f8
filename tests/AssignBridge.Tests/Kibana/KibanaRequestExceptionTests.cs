using System.Text;
using AssignBridge.Kibana;

namespace AssignBridge.Tests;

/// <summary>Bodies are Kibana's two error shapes as quoted in kibana-api-facts.md §1 and §4.</summary>
public sealed class KibanaRequestExceptionTests
{
    [Theory]
    [InlineData("""{"statusCode":400,"error":"Bad Request","message":"[request body]: ids: Too small: expected array to have >=1 items"}""", "[request body]: ids: Too small: expected array to have >=1 items")]
    [InlineData("""{"message":["Duplicate assignees [\"test-1\"] were found in the add and remove parameters."],"status_code":400}""", "Duplicate assignees [\"test-1\"] were found in the add and remove parameters.")]
    [InlineData("""{"message":"Test error","status_code":500}""", "Test error")]
    [InlineData("""{"message":["first","second"],"status_code":400}""", "first; second")]
    [InlineData("<html><body>Bad gateway</body></html>", "<html><body>Bad gateway</body></html>")]
    public void ParseMessage_EitherShape_GivesKibanasMessage(string body, string expected)
    {
        Assert.Equal(expected, KibanaRequestException.ParseMessage(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void ParseMessage_MultiLineBoomMessage_OneLine()
    {
        var body = """{"statusCode":401,"error":"Unauthorized","message":"[security_exception\n\tRoot causes:\n\t\tsecurity_exception: unable to authenticate user"}""";

        var message = KibanaRequestException.ParseMessage(Encoding.UTF8.GetBytes(body))!;

        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("[security_exception", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseMessage_HugeBody_Shortened()
    {
        var message = KibanaRequestException.ParseMessage(Encoding.UTF8.GetBytes(new string('x', 100_000)))!;

        Assert.True(message.Length <= 1_001);
    }

    [Theory]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(408, true)]
    [InlineData(409, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public void IsRetryableStatus_OnlyWhatMayPass(int status, bool retryable)
    {
        Assert.Equal(retryable, KibanaRequestException.IsRetryableStatus(status));
    }
}

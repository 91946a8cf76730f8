using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JiraSimulator;

public static class JiraSimulatorServices
{
    /// <summary>Registers what <see cref="JiraSimulatorEndpoints.MapJiraSimulator"/> needs: the options, the state and a clock.</summary>
    public static IServiceCollection AddJiraSimulator(this IServiceCollection services, JiraSimulatorOptions options, JiraState? state = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(state ?? new JiraState());
        services.AddSingleton(time ?? TimeProvider.System);
        return services;
    }
}

/// <summary>
/// Jira's assign-issue and get-issue operations for Cloud (<c>/rest/api/3</c>, basic auth with an API token) and
/// Data Center (<c>/rest/api/2</c>, bearer personal access token); facts and sources in docs/ticket-apis.md.
/// </summary>
public static class JiraSimulatorEndpoints
{
    public static IApplicationBuilder UseJiraSimulator(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(RecordThenFaultAsync);
    }

    public static IEndpointRouteBuilder MapJiraSimulator(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The slim builder registers no regex constraint; the handlers answer any version but 2 and 3 as an unknown route.
        var api = app.MapGroup("/rest/api/{version}/issue/{issueIdOrKey}");
        api.MapPut("/assignee", AssignAsync);
        api.MapGet("/", GetIssue);
        app.MapControlApi();
        app.MapFallback(UnknownRoute);
        return app;
    }

    /// <summary>
    /// <c>PUT /rest/api/{2|3}/issue/{issueIdOrKey}/assignee</c>: 204 on success. v3 takes <c>accountId</c>; v2 takes
    /// <c>name</c> (Data Center) or <c>accountId</c> (Cloud). <c>null</c> unassigns, <c>"-1"</c> picks the default assignee.
    /// </summary>
    internal static async Task<IResult> AssignAsync(HttpContext context, string version, string issueIdOrKey, JiraState state, JiraSimulatorOptions options)
    {
        if (version is not ("2" or "3"))
        {
            return UnknownRoute();
        }

        if (Caller(context, options) is not { } caller)
        {
            return JiraErrors.NotAuthenticated();
        }

        var issue = state.Find(issueIdOrKey);
        if (issue is null)
        {
            return JiraErrors.IssueNotFound();
        }

        if (options.WithoutAssignPermission.Contains(caller))
        {
            return JiraErrors.NoAssignPermission();
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(await ReadBodyAsync(context)) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return JiraErrors.Message(StatusCodes.Status400BadRequest, "Unexpected body: expected a user object such as {\"accountId\": \"...\"}.");
        }

        string[] accepted = version == "3" ? ["accountId"] : ["accountId", "name"];
        var given = accepted.Where(body.ContainsKey).ToList();
        if (given.Count != 1)
        {
            return JiraErrors.Field("assignee", given.Count == 0
                ? $"Specify the user by {string.Join(" or ", accepted)}."
                : "Specify the user by only one of accountId and name.");
        }

        var field = given[0];
        if (body[field] is { } value && value.GetValueKind() != JsonValueKind.String)
        {
            return JiraErrors.Field("assignee", $"'{field}' must be a string or null.");
        }

        var assignee = body[field]?.GetValue<string>();
        return state.TryAssign(issue, assignee)
            ? Results.NoContent()
            : JiraErrors.Field("assignee", $"User '{assignee}' cannot be assigned issues.");
    }

    /// <summary><c>GET /rest/api/{2|3}/issue/{issueIdOrKey}</c>: the issue with its <c>assignee</c> field (the only field simulated).</summary>
    internal static IResult GetIssue(HttpContext context, string version, string issueIdOrKey, JiraState state, JiraSimulatorOptions options)
    {
        if (version is not ("2" or "3"))
        {
            return UnknownRoute();
        }

        if (Caller(context, options) is null)
        {
            return JiraErrors.NotAuthenticated();
        }

        if (state.Find(issueIdOrKey) is not { } issue)
        {
            return JiraErrors.IssueNotFound();
        }

        var self = $"{context.Request.Scheme}://{context.Request.Host}/rest/api/{version}";
        var assignee = state.AssigneeOf(issue) is { } user
            ? version == "3"
                ? new JsonObject { ["self"] = $"{self}/user?accountId={user}", ["accountId"] = user, ["displayName"] = user, ["active"] = true }
                : new JsonObject { ["self"] = $"{self}/user?username={user}", ["name"] = user, ["key"] = user, ["displayName"] = user, ["active"] = true }
            : null;
        var body = new JsonObject
        {
            ["id"] = issue.Id,
            ["self"] = $"{self}/issue/{issue.Id}",
            ["key"] = issue.Key,
            ["fields"] = new JsonObject { ["assignee"] = assignee },
        };
        return Results.Content(body.ToJsonString(), "application/json;charset=UTF-8", Encoding.UTF8);
    }

    private static IResult UnknownRoute() => JiraErrors.Message(StatusCodes.Status404NotFound, "Not Found");

    /// <summary>The e-mail (Cloud basic auth) or user name (Data Center PAT) the request authenticates as; null when it does not.</summary>
    private static string? Caller(HttpContext context, JiraSimulatorOptions options)
    {
        if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header) || header.Parameter is not { } parameter)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return options.PersonalAccessTokens.TryGetValue(parameter, out var user) ? user : null;
        }

        if (!header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && options.CloudApiTokens.TryGetValue(decoded[..colon], out var token) && token == decoded[(colon + 1)..]
            ? decoded[..colon]
            : null;
    }

    private static readonly object s_bodyKey = new();

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(s_bodyKey, out var cached) && cached is string text)
        {
            return text;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        text = await reader.ReadToEndAsync(context.RequestAborted);
        context.Items[s_bodyKey] = text;
        return text;
    }

    /// <summary>
    /// Records every <c>/rest</c> request as its answer starts (so a client never sees an answer not yet in the log),
    /// then applies latency and any queued fault before Jira's own checks.
    /// </summary>
    private static async Task RecordThenFaultAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/rest", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var state = context.RequestServices.GetRequiredService<JiraState>();
        var body = await ReadBodyAsync(context);
        var recorded = 0;
        void Record(int status)
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0)
            {
                state.Record(new RecordedJiraRequest(
                    context.Request.Method, context.Request.Path + context.Request.QueryString,
                    RecordedJiraRequest.CopyHeaders(context.Request.Headers), body, status));
            }
        }

        context.Response.OnStarting(() =>
        {
            Record(context.Response.StatusCode);
            return Task.CompletedTask;
        });

        var (latency, fault) = state.Faults.TakeNext();
        if (latency > TimeSpan.Zero)
        {
            var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                await Task.Delay(latency, context.RequestServices.GetRequiredService<TimeProvider>(), cancel.Token);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Record(0);
                context.Abort();
                return;
            }
        }

        if (fault is not { } planned)
        {
            await next(context);
            return;
        }

        if (planned.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (planned.Status == StatusCodes.Status429TooManyRequests)
        {
            // Jira: the request time plus the Retry-After period, as yyyy-MM-ddTHH:mmZ.
            var reset = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + (planned.RetryAfter ?? TimeSpan.FromMinutes(1));
            var options = context.RequestServices.GetRequiredService<JiraSimulatorOptions>();
            context.Response.Headers["X-RateLimit-Limit"] = options.RateLimit.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-RateLimit-Remaining"] = "0";
            context.Response.Headers["X-RateLimit-Reset"] = reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
        }

        await JiraErrors.Message(planned.Status, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(planned.Status)).ExecuteAsync(context);
    }
}

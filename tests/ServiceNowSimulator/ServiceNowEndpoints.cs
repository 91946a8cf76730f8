using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServiceNowSimulator;

public static class ServiceNowSimulatorServices
{
    /// <summary>Registers what <see cref="ServiceNowSimulatorEndpoints.MapServiceNowSimulator"/> needs: the options, the state and a clock.</summary>
    public static IServiceCollection AddServiceNowSimulator(this IServiceCollection services, ServiceNowSimulatorOptions options, ServiceNowState? state = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(state ?? new ServiceNowState());
        services.AddSingleton(time ?? TimeProvider.System);
        return services;
    }
}

/// <summary>
/// ServiceNow's Table API (read and update one record) and the OAuth client-credentials token endpoint; facts and
/// sources in docs/ticket-apis.md.
/// </summary>
public static class ServiceNowSimulatorEndpoints
{
    public static IApplicationBuilder UseServiceNowSimulator(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(RecordThenFaultAsync);
    }

    public static IEndpointRouteBuilder MapServiceNowSimulator(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/oauth_token.do", IssueTokenAsync);
        app.MapGet("/api/now/table/{table}", ListRecords);
        var record = app.MapGroup("/api/now/table/{table}/{sysId}");
        record.MapGet("/", GetRecord);
        record.MapMethods("/", [HttpMethods.Patch, HttpMethods.Put], UpdateAsync);
        app.MapControlApi();
        app.MapFallback(() => ServiceNowErrors.Failure(StatusCodes.Status400BadRequest, "Requested URI does not represent any resource", null));
        return app;
    }

    /// <summary><c>POST /oauth_token.do</c>, form-encoded <c>grant_type=client_credentials&amp;client_id&amp;client_secret</c>.</summary>
    internal static async Task<IResult> IssueTokenAsync(HttpContext context, ServiceNowState state, ServiceNowSimulatorOptions options, TimeProvider time)
    {
        if (!context.Request.HasFormContentType)
        {
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "Expected an application/x-www-form-urlencoded body.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != "client_credentials")
        {
            return OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only grant_type=client_credentials is simulated.");
        }

        if (!options.OAuthClients.TryGetValue(form["client_id"].ToString(), out var client) || client.Secret != form["client_secret"])
        {
            return OAuthError(StatusCodes.Status401Unauthorized, "invalid_client", "access_denied");
        }

        var token = state.IssueToken(client.UserName, time.GetUtcNow() + options.TokenLifetime);
        return ServiceNowErrors.Json(new JsonObject
        {
            ["access_token"] = token,
            ["scope"] = "useraccount",
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)options.TokenLifetime.TotalSeconds,
        });
    }

    /// <summary><c>GET /api/now/table/{table}/{sys_id}</c>: 200 <c>{"result": {...}}</c>.</summary>
    internal static IResult GetRecord(HttpContext context, string table, string sysId, ServiceNowState state, ServiceNowSimulatorOptions options, TimeProvider time)
    {
        if (Caller(context, state, options, time) is null)
        {
            return ServiceNowErrors.NotAuthenticated();
        }

        if (!state.HasTable(table))
        {
            return ServiceNowErrors.InvalidTable(table);
        }

        return state.Find(table, sysId) is { } record ? Result(context, record) : ServiceNowErrors.NoRecord();
    }

    /// <summary>
    /// <c>GET /api/now/table/{table}?sysparm_query=field=value^field=value&amp;sysparm_fields=a,b&amp;sysparm_limit=n</c>: 200
    /// <c>{"result": [...]}</c>, the records whose fields equal every term, in sys_id order. Only <c>=</c> terms joined by
    /// <c>^</c> are simulated; a term of another kind matches nothing.
    /// </summary>
    internal static IResult ListRecords(HttpContext context, string table, ServiceNowState state, ServiceNowSimulatorOptions options, TimeProvider time)
    {
        if (Caller(context, state, options, time) is null)
        {
            return ServiceNowErrors.NotAuthenticated();
        }

        if (!state.HasTable(table))
        {
            return ServiceNowErrors.InvalidTable(table);
        }

        var terms = (context.Request.Query["sysparm_query"].ToString() is { Length: > 0 } query ? query.Split('^') : [])
            .Select(term => term.Split('=', 2) is [var field, var value] ? (Field: field, Value: value) : (Field: term, Value: (string?)null))
            .ToList();
        var limit = int.TryParse(context.Request.Query["sysparm_limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 10_000;
        var records = state.All(table)
            .Where(record => terms.All(t => t.Value is not null && record.TryGetValue(t.Field, out var v) && v == t.Value))
            .Take(limit);
        return ServiceNowErrors.Json(new JsonObject { ["result"] = new JsonArray([.. records.Select(r => Shape(context, r))]) });
    }

    /// <summary>
    /// <c>PATCH</c> or <c>PUT /api/now/table/{table}/{sys_id}</c> with a JSON object of fields (e.g. <c>{"assigned_to": "..."}</c>,
    /// <c>""</c> clears): 200 <c>{"result": {...the updated record...}}</c>.
    /// </summary>
    internal static async Task<IResult> UpdateAsync(HttpContext context, string table, string sysId, ServiceNowState state, ServiceNowSimulatorOptions options, TimeProvider time)
    {
        if (Caller(context, state, options, time) is not { } caller)
        {
            return ServiceNowErrors.NotAuthenticated();
        }

        if (!state.HasTable(table))
        {
            return ServiceNowErrors.InvalidTable(table);
        }

        if (state.Find(table, sysId) is null)
        {
            return ServiceNowErrors.NoRecord();
        }

        if (options.ReadOnlyUsers.Contains(caller))
        {
            return ServiceNowErrors.WriteDenied();
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
            return ServiceNowErrors.Failure(StatusCodes.Status400BadRequest, "Exception while reading request", "The payload is not valid JSON.");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in body)
        {
            fields[name] = value switch
            {
                null => "",
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                _ => value.ToJsonString(),
            };
        }

        return Result(context, state.Update(table, sysId, fields, caller, time.GetUtcNow()));
    }

    /// <summary>
    /// The record as the Table API returns it: strings, and <c>assigned_to</c> as a reference link when set (a bare sys_id
    /// with <c>sysparm_exclude_reference_link=true</c>); only the fields of <c>sysparm_fields</c> when given.
    /// </summary>
    private static IResult Result(HttpContext context, IReadOnlyDictionary<string, string> record) =>
        ServiceNowErrors.Json(new JsonObject { ["result"] = Shape(context, record) });

    private static JsonObject Shape(HttpContext context, IReadOnlyDictionary<string, string> record)
    {
        var fields = context.Request.Query["sysparm_fields"].ToString() is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
            : null;
        var links = !string.Equals(context.Request.Query["sysparm_exclude_reference_link"], "true", StringComparison.OrdinalIgnoreCase);
        var result = new JsonObject();
        foreach (var (name, value) in record.OrderBy(f => f.Key, StringComparer.Ordinal).Where(f => fields is null || fields.Contains(f.Key)))
        {
            result[name] = name == "assigned_to" && value.Length > 0 && links
                ? new JsonObject { ["link"] = $"{context.Request.Scheme}://{context.Request.Host}/api/now/table/sys_user/{value}", ["value"] = value }
                : value;
        }

        return result;
    }

    private static IResult OAuthError(int statusCode, string error, string description) =>
        ServiceNowErrors.Json(new JsonObject { ["error"] = error, ["error_description"] = description }, statusCode);

    /// <summary>The user name a request authenticates as (basic auth or an unexpired bearer token); null when it does not.</summary>
    private static string? Caller(HttpContext context, ServiceNowState state, ServiceNowSimulatorOptions options, TimeProvider time)
    {
        if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header) || header.Parameter is not { } parameter)
        {
            return null;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return state.TokenUser(parameter, time.GetUtcNow());
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
        return colon > 0 && options.BasicUsers.TryGetValue(decoded[..colon], out var password) && password == decoded[(colon + 1)..]
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

        context.Request.EnableBuffering();
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true))
        {
            text = await reader.ReadToEndAsync(context.RequestAborted);
        }

        // Rewound so that the token endpoint can still read its form.
        context.Request.Body.Position = 0;
        context.Items[s_bodyKey] = text;
        return text;
    }

    /// <summary>
    /// Records every request as its answer starts (so a client never sees an answer not yet in the log), then applies
    /// latency and any queued fault to Table API requests before ServiceNow's own checks.
    /// </summary>
    private static async Task RecordThenFaultAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        var api = path.StartsWithSegments("/api", StringComparison.Ordinal);
        if (!api && !path.Equals("/oauth_token.do", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var state = context.RequestServices.GetRequiredService<ServiceNowState>();
        var body = await ReadBodyAsync(context);
        var recorded = 0;
        void Record(int status)
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0)
            {
                state.Record(new RecordedServiceNowRequest(
                    context.Request.Method, path + context.Request.QueryString,
                    RecordedServiceNowRequest.CopyHeaders(context.Request.Headers), body, status));
            }
        }

        context.Response.OnStarting(() =>
        {
            Record(context.Response.StatusCode);
            return Task.CompletedTask;
        });

        var (latency, fault) = api ? state.Faults.TakeNext() : (TimeSpan.Zero, null);
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

        var message = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(planned.Status);
        string? detail = null;
        if (planned.Status == StatusCodes.Status429TooManyRequests)
        {
            // ServiceNow documents Limit, Reset (Unix seconds) and Rule; it documents no X-RateLimit-Remaining.
            var options = context.RequestServices.GetRequiredService<ServiceNowSimulatorOptions>();
            var reset = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + (planned.RetryAfter ?? TimeSpan.FromHours(1));
            context.Response.Headers["X-RateLimit-Limit"] = options.RateLimit.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["X-RateLimit-Rule"] = "0000000000000000000000000000simu";
            message = "Rate limit exceeded";
            detail = $"The rate limit of {options.RateLimit} requests an hour was exceeded.";
        }

        await ServiceNowErrors.Failure(planned.Status, message, detail).ExecuteAsync(context);
    }
}

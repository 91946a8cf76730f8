using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.IntegrationTests.Deployment;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.IntegrationTests.Sources;
using AssignBridge.Platform.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AssignBridge.IntegrationTests.Platform.Telemetry;

/// <summary>
/// Runs every route the app maps, with every secret configured and the OpenTelemetry SDK registered (OTLP to a dead
/// endpoint, so the instrumentation adds all the attributes it would export), and proves that no secret, API key,
/// signature or body reaches a log line or a span attribute, and that the delivery id reaches every line a delivery writes.
/// </summary>
[Collection("azurite")]
public sealed class NoSecretsInTelemetryTests(AzuriteFixture azurite)
{
    private const string AdminToken = "admin-token-7c1e0b-never-logged";
    private const string SlackSecret = "slack-signing-secret-9d2f-never-logged";
    private const string TeamsToken = "dGVhbXMtdG9rZW4tbmV2ZXItbG9nZ2VkLTAxMjM0NTY3OA==";
    private const string BodyMarker = "BODY-MARKER-5e0c1a";
    private const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq";

    [Fact]
    public async Task EveryRoute_WithSecretsConfigured_NoSecretSignatureOrBodyInLogsOrSpans()
    {
        using var spans = new SpanCapture();
        var settings = TicketWebhooks.Settings(new Dictionary<string, string>
        {
            ["Admin:Tokens:0"] = AdminToken,
            ["Slack:SigningSecrets:0"] = SlackSecret,
            ["Teams:SecurityTokens:0"] = TeamsToken,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "500",
            ["Telemetry:StartupCheck"] = "true",
            ["Kibana:MaxRetries"] = "0",
        });
        await using var bridge = await BridgeHarness.StartAsync(azurite, settings);
        await TicketWebhooks.MapPeopleAsync(bridge);
        await bridge.MapAsync("slack", "U0CALLER", "u_caller_0");
        await bridge.MapAsync("teams", "aad-caller", "u_caller_0");
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var anonymous = new HttpClient { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var admin = new HttpClient { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        var signatures = new List<string>();
        var called = new HashSet<AppRoute>();

        async Task SendAsync(HttpClient client, HttpMethod method, string path, AppRoute route, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Add("x-ms-invocation-id", "inv-" + called.Count.ToString(CultureInfo.InvariantCulture));
            configure?.Invoke(request);
            using var response = await client.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            called.Add(route);
        }

        static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

        await SendAsync(anonymous, HttpMethod.Get, "/api/health", new("GET", "/api/health"));
        var assignment = $$"""{"alertIds":["alert-1"],"add":["uid:u_alice_0"],"reference":"SOC-1","requestedBy":"soar","note":"{{BodyMarker}}"}""";
        await SendAsync(bridge.Client, HttpMethod.Post, "/api/assignments", new("POST", "/api/assignments"), Json(assignment), r => r.Headers.Add("Idempotency-Key", "delivery-secrets-1"));
        await SendAsync(anonymous, HttpMethod.Post, "/api/assignments", new("POST", "/api/assignments"), Json(assignment), r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer wrong-" + BridgeHarness.Token));

        // Jira: HMAC (current and wrong secret) and the Automation shared secret.
        var jira = Edit(TicketWebhooks.Fixture("jira/cloud-issue-assigned.json"), n => n["issue"]!["fields"]!["description"] = BodyMarker);
        signatures.Add("sha256=" + Convert.ToHexStringLower(Signatures.HmacSha256(Encoding.UTF8.GetBytes(TicketWebhooks.JiraSecret), jira)));
        await SendAsync(anonymous, HttpMethod.Post, "/api/webhooks/jira", new("POST", "/api/webhooks/jira"), Bytes(jira), r => r.Headers.TryAddWithoutValidation("X-Hub-Signature", signatures[^1]));
        await SendAsync(anonymous, HttpMethod.Post, "/api/webhooks/jira", new("POST", "/api/webhooks/jira"), Bytes(jira), r => r.Headers.TryAddWithoutValidation("X-Hub-Signature", "sha256=" + new string('0', 64)));
        await SendAsync(anonymous, HttpMethod.Post, "/api/webhooks/jira", new("POST", "/api/webhooks/jira"), Bytes(jira), r => r.Headers.TryAddWithoutValidation(TicketWebhooks.AutomationHeader, TicketWebhooks.AutomationSecret));

        // ServiceNow: shared secret and HMAC.
        var serviceNow = Edit(TicketWebhooks.Fixture("servicenow/incident-assigned.json"), n => n["short_description"] = BodyMarker);
        using (var client = TicketWebhooks.Client(bridge))
        {
            (await TicketWebhooks.PostServiceNowAsync(client, serviceNow, hmac: false)).Dispose();
            (await TicketWebhooks.PostServiceNowAsync(client, serviceNow, hmac: true)).Dispose();
            called.Add(new("POST", "/api/webhooks/servicenow"));
        }

        // Slack: a signed slash command and one with a wrong signature.
        var form = Encoding.UTF8.GetBytes($"team_id=T1&team_domain={BodyMarker}&channel_id=C1&user_id=U0CALLER&user_name=caller&command=%2Fassign-alert&text=alert-1+me&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fx&trigger_id=t1");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        signatures.Add(SlackSignatureVerifier.Sign(SlackSecret, ts, form));
        foreach (var signature in new[] { signatures[^1], "v0=" + new string('a', 64) })
        {
            await SendAsync(anonymous, HttpMethod.Post, "/api/commands/slack", new("POST", "/api/commands/slack"), Form(form), r =>
            {
                r.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts);
                r.Headers.Add(SlackSignatureVerifier.SignatureHeader, signature);
            });
        }

        // Teams: a signed outgoing-webhook message.
        var teams = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "message",
            ["id"] = "1700000000099",
            ["timestamp"] = "2026-11-25T10:00:00.000Z",
            ["from"] = new JsonObject { ["id"] = "29:caller", ["name"] = BodyMarker, ["aadObjectId"] = "aad-caller" },
            ["conversation"] = new JsonObject { ["id"] = "19:abc@thread.skype" },
            ["text"] = "<at>AssignBridge</at> alert-1 me",
            ["entities"] = new JsonArray(),
        }.ToJsonString());
        signatures.Add(TeamsSignatureVerifier.Sign(TeamsToken, teams));
        await SendAsync(anonymous, HttpMethod.Post, "/api/commands/teams", new("POST", "/api/commands/teams"), Bytes(teams), r => r.Headers.TryAddWithoutValidation("Authorization", signatures[^1]));

        // The administration routes, with the admin token and without.
        await SendAsync(admin, HttpMethod.Put, "/api/manage/people/slack/U0MARK", new("PUT", "/api/manage/people/{namespace}/{id}"), Json($$"""{"kibanaUid":"u_mark_0","displayName":"{{BodyMarker}}"}"""));
        await SendAsync(admin, HttpMethod.Get, "/api/manage/people/slack/U0MARK", new("GET", "/api/manage/people/{namespace}/{id}"));
        await SendAsync(admin, HttpMethod.Get, "/api/manage/people", new("GET", "/api/manage/people"));
        await SendAsync(admin, HttpMethod.Get, "/api/manage/people/resolve?person=slack:U0MARK", new("GET", "/api/manage/people/resolve"));
        await SendAsync(admin, HttpMethod.Post, "/api/manage/people/import", new("POST", "/api/manage/people/import"),
            new StringContent($"namespace,externalId,email,kibanaUid,displayName\r\nslack,U0IMPORT,,u_imp_0,{BodyMarker}\r\n", Encoding.UTF8, "text/csv"));
        await SendAsync(admin, HttpMethod.Delete, "/api/manage/people/slack/U0MARK", new("DELETE", "/api/manage/people/{namespace}/{id}"));
        await SendAsync(anonymous, HttpMethod.Get, "/api/manage/people", new("GET", "/api/manage/people"), configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer wrong-" + AdminToken));
        await SendAsync(admin, HttpMethod.Get, "/api/manage/journal", new("GET", "/api/manage/journal"));
        await SendAsync(admin, HttpMethod.Post, "/api/manage/journal/api/delivery-secrets-1/replay", new("POST", "/api/manage/journal/{source}/{deliveryid}/replay"));
        await SendAsync(admin, HttpMethod.Post, "/api/manage/journal/replay", new("POST", "/api/manage/journal/replay"));
        await SendAsync(admin, HttpMethod.Get, "/api/manage/audit?alert=alert-1", new("GET", "/api/manage/audit"));
        await SendAsync(admin, HttpMethod.Get, "/api/manage/audit?ticket=SOC-1", new("GET", "/api/manage/audit"));
        await bridge.ReconcileAsync(); // the timer's sweep and the queue's attempts log too

        // Any route added later is still run: a request with every kind of credential and a marked body.
        foreach (var route in (await AppRoutes.PublicAndFunctionRoutesAsync()).Where(r => !called.Contains(r)).ToList())
        {
            var path = System.Text.RegularExpressions.Regex.Replace(route.Path, @"\{[^}]+\}", "x");
            await SendAsync(admin, new HttpMethod(route.Method), path, route, route.Method is "GET" or "DELETE" ? null : Json($$"""{"x":"{{BodyMarker}}"}"""));
        }

        await WaitForStartupCheckAsync(bridge);

        var lines = bridge.Logs.Lines;
        var attributes = spans.Attributes();
        var forbidden = new[]
        {
            BridgeHarness.KibanaKey, "kibana-key-id:secret-value-one", BridgeHarness.Token, AdminToken, SlackSecret, TeamsToken,
            TicketWebhooks.JiraSecret, TicketWebhooks.JiraOldSecret, TicketWebhooks.AutomationSecret, TicketWebhooks.ServiceNowSecret,
            AzuriteAccountKey, BodyMarker,
        }.Concat(signatures).ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(attributes, a => a.StartsWith("delivery.attempt ", StringComparison.Ordinal));
        Assert.Contains(attributes, a => a.StartsWith("kibana assignees ", StringComparison.Ordinal));
        Assert.Contains(attributes, a => a.Contains("faas.invocation_id=inv-", StringComparison.Ordinal));
        foreach (var secret in forbidden)
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(attributes, attribute => attribute.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(lines, line => line.Contains("sha256=", StringComparison.Ordinal) || line.Contains("ApiKey ", StringComparison.Ordinal) || line.Contains("HMAC ", StringComparison.Ordinal));
        Assert.DoesNotContain(attributes, a => a.Contains("sha256=", StringComparison.Ordinal) || a.Contains("ApiKey ", StringComparison.Ordinal) || a.Contains("HMAC ", StringComparison.Ordinal));
        var missing = (await AppRoutes.PublicAndFunctionRoutesAsync()).Where(r => !called.Contains(r)).ToList();
        Assert.True(missing.Count == 0, $"not run: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Delivery_EveryLineItWrites_CarriesTheDeliveryIdScope()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        // What the app prepares after start-up (the Kibana key read, for one) is no delivery's and carries no scope.
        await bridge.Services.GetRequiredService<AssignBridge.Hosting.Warmup>().Finished.WaitAsync(TimeSpan.FromSeconds(30));
        using var scoped = new ScopedLines();
        bridge.Services.GetRequiredService<ILoggerFactory>().AddProvider(scoped);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/assignments") { Content = new StringContent("""{"alertIds":["alert-1"],"add":["uid:u_alice_0","jira:unmapped"]}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", "delivery-scope-1");
        using var response = await bridge.Client.SendAsync(request);

        var delivery = scoped.Lines.Where(l => l.Category.StartsWith("AssignBridge.", StringComparison.Ordinal) && !l.Category.Contains("Endpoints", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(delivery);
        Assert.All(delivery, line => Assert.Contains("DeliveryId=delivery-scope-1", line.Scopes, StringComparison.Ordinal));
        Assert.All(delivery, line => Assert.Contains("Source=api", line.Scopes, StringComparison.Ordinal));
    }

    // The check logs its verdict (6001 or 6002) once it holds it.
    private static Task WaitForStartupCheckAsync(BridgeHarness bridge) =>
        bridge.Logs.WaitForAsync(lines => lines.Any(line => line.Contains("[6001]", StringComparison.Ordinal) || line.Contains("[6002]", StringComparison.Ordinal)));

    private static byte[] Edit(string json, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(TicketWebhooks.Fresh(json))!.AsObject();
        edit(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static ByteArrayContent Bytes(byte[] body) => new(body) { Headers = { ContentType = new("application/json") } };

    private static ByteArrayContent Form(byte[] body) => new(body) { Headers = { ContentType = new("application/x-www-form-urlencoded") } };

    /// <summary>Every span of any source in this process, as "name key=value …" including events and status.</summary>
    private sealed class SpanCapture : IDisposable
    {
        private readonly ConcurrentQueue<string> _spans = new();
        private readonly ActivityListener _listener;

        public SpanCapture()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity => _spans.Enqueue(
                    $"{activity.DisplayName} {activity.OperationName} " +
                    string.Join(" ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")) + " " +
                    string.Join(" ", activity.Baggage.Select(b => $"{b.Key}={b.Value}")) + " " +
                    string.Join(" ", activity.Events.Select(e => e.Name + " " + string.Join(" ", e.Tags.Select(t => $"{t.Key}={t.Value}")))) + " " +
                    activity.StatusDescription),
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<string> Attributes() => [.. _spans];

        public void Dispose() => _listener.Dispose();
    }

    private sealed record ScopedLine(string Category, string Message, string Scopes);

    /// <summary>Log lines with the scopes active when they were written.</summary>
    private sealed class ScopedLines : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<ScopedLine> _lines = new();
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public IReadOnlyList<ScopedLine> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ScopedLines owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new StringBuilder();
                owner._scopes.ForEachScope((scope, sb) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var pair in pairs)
                        {
                            sb.Append(pair.Key).Append('=').Append(pair.Value).Append(' ');
                        }
                    }
                }, scopes);
                owner._lines.Enqueue(new ScopedLine(category, formatter(state, exception), scopes.ToString()));
            }
        }
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.People;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Samples;

/// <summary>
/// Every sample of samples/ (samples/README.md says what each promises) sent as a developer sends it, through
/// scripts/send.sh (the assignbridge tool in a process of its own), to the bridge on Kestrel with Azurite and the
/// Kibana simulator seeded from samples/alerts.json and samples/people.json; then the answer and the simulator's
/// assignees are checked. The secrets are not the local defaults: the tool must read them from the settings it is given.
/// </summary>
[Collection("azurite")]
public sealed class SampleSendTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    // Neither the Development settings' secrets nor each other's: the tool finds each in the settings it is given.
    private static readonly Dictionary<string, string> s_secrets = new()
    {
        ["Jira:Secrets:0"] = "sample-test-jira-secret-4c1f",
        ["Jira:AutomationSecrets:0"] = "sample-test-automation-secret-9b2e",
        ["ServiceNow:Secrets:0"] = "sample-test-servicenow-secret-7d3a",
        ["Slack:SigningSecrets:0"] = "sample-test-slack-secret-2e8c",
        ["Teams:SecurityTokens:0"] = Convert.ToBase64String("sample-test-teams-token-32-bytes!"u8),
        ["Assignments:Tokens:0"] = "sample-test-assignments-token-5f6b",
    };

    /// <summary>What one sample promises: the samples sent before it, what the answer says, and the alert's assignees afterwards.</summary>
    private sealed record SampleCase(string[] Before, Action<JsonObject> Answer, string Space, string AlertId, string[] Assignees);

    private static readonly Dictionary<string, SampleCase> s_cases = new(StringComparer.Ordinal)
    {
        ["jira/assigned"] = new([], Status("applied"), "default", "alert-1", ["u_alice_0"]),
        ["jira/unassigned"] = new(["jira/assigned"], Status("applied"), "default", "alert-1", []),
        ["jira/automation"] = new([], Status("applied"), "soc", "alert-3", ["u_alice_0"]),
        ["servicenow/assigned"] = new([], Status("applied"), "default", "alert-2", ["u_alice_0", "u_bob_0"]),
        ["servicenow/unassigned"] = new(["servicenow/assigned"], Status("applied"), "default", "alert-2", ["u_bob_0"]),
        ["slack/assign"] = new([], Reply("Applied: assigned", "1 alert in space `default`"), "default", "alert-1", ["u_bob_0"]),
        ["slack/unassign"] = new([], Reply("Applied: unassigned", "1 alert in space `default`"), "default", "alert-2", []),
        ["teams/assign"] = new([], Reply("Applied: assigned", "1 alert in space `soc`"), "soc", "alert-3", ["u_bob_0"]),
        ["assignments/add"] = new([], Status("applied"), "soc", "alert-3", ["u_alice_0"]),
        ["assignments/remove"] = new([], Status("applied"), "default", "alert-2", []),
    };


    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var sample in SampleNames())
        {
            data.Add(sample);
        }

        return data;
    }

    [Fact]
    public void Samples_EveryFileHasAnExpectation()
    {
        Assert.Equal(s_cases.Keys.Order(StringComparer.Ordinal), SampleNames());
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_SentWithSendSh_DoesWhatItPromises(string sample)
    {
        var expected = s_cases[sample];
        await using var bridge = await StartSeededBridgeAsync();
        foreach (var before in expected.Before)
        {
            var (beforeCode, beforeOut, beforeErr) = await SendAsync(bridge, before);
            Assert.True(beforeCode == 0, $"{before}: exit {beforeCode}\n{beforeOut}\n{beforeErr}");
        }

        var (code, stdout, stderr) = await SendAsync(bridge, sample);

        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.StartsWith("HTTP 200 OK", stdout, StringComparison.Ordinal);
        expected.Answer(JsonNode.Parse(stdout[stdout.IndexOf('\n', StringComparison.Ordinal)..])!.AsObject());
        Assert.Equal(expected.Assignees, (bridge.Kibana.State.GetAssignees(expected.Space, expected.AlertId) ?? []).Order(StringComparer.Ordinal));
        foreach (var secret in s_secrets.Values)
        {
            Assert.DoesNotContain(secret, stdout + stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Send_UnknownSample_ListsTheSamplesAndSendsNothing()
    {
        await using var bridge = await StartSeededBridgeAsync();

        var (code, stdout, stderr) = await SendAsync(bridge, "jira/reassigned");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("No sample 'reassigned' for jira", stderr, StringComparison.Ordinal);
        Assert.Contains("assigned, automation, unassigned", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
    }

    private static Action<JsonObject> Status(string status) => answer => Assert.Equal(status, answer["status"]!.GetValue<string>());

    private static Action<JsonObject> Reply(string start, string contains) => answer =>
    {
        var text = answer["text"]!.GetValue<string>();
        Assert.StartsWith(start, text, StringComparison.Ordinal);
        Assert.Contains(contains, text, StringComparison.Ordinal);
    };

    private static List<string> SampleNames()
    {
        var root = Path.Combine(RepositoryPaths.Root, "samples");
        return [.. Directory.EnumerateDirectories(root)
            .SelectMany(folder => Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(root, Path.ChangeExtension(path, null)).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The bridge with the samples' world: the alerts of samples/alerts.json, the people of samples/people.json.</summary>
    private async Task<BridgeHarness> StartSeededBridgeAsync()
    {
        var bridge = await BridgeHarness.StartAsync(azurite, s_secrets);
        foreach (var alert in JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "samples", "alerts.json")))!.AsArray())
        {
            var assignees = alert!["assignees"]?.AsArray().Select(a => a!.GetValue<string>()).ToArray() ?? [];
            bridge.Kibana.State.SeedAlert(alert["space"]!.GetValue<string>(), alert["id"]!.GetValue<string>(), assignees);
        }

        var people = PeopleFile.Read(await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "samples", "people.json")), PeopleFileFormat.Json);
        var imported = await new PeopleImporter(bridge.Services.GetRequiredService<PeopleStore>()).ImportAsync(people, "test", dryRun: false);
        Assert.Empty(imported.Invalid);
        return bridge;
    }

    /// <summary>Runs <c>scripts/send.sh &lt;sender&gt; &lt;name&gt;</c> from the repository root against the bridge, with the secrets as environment variables.</summary>
    private async Task<(int Code, string Stdout, string Stderr)> SendAsync(BridgeHarness bridge, string sample)
    {
        var (sender, name) = (sample[..sample.IndexOf('/', StringComparison.Ordinal)], sample[(sample.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { Path.Combine(RepositoryPaths.Root, "scripts", "send.sh"), sender, name, "--url", bridge.Client.BaseAddress!.ToString(), "--environment", "Test" },
        };
        foreach (var inherited in new[] { "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT" })
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in s_secrets)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // No time bound: the first send may build the tool, however long the machine takes; a hang is the test run's
        // own hang timeout's to report.
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        var (outText, errText) = (await stdout, await stderr);
        output.WriteLine($"$ scripts/send.sh {sender} {name}\n{errText}{outText}");
        return (process.ExitCode, outText, errText);
    }
}

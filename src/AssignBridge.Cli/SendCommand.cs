using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.Cli;

// assignbridge send <sender> <sample>: posts a sample delivery to a bridge, signed as that sender signs it with the
// secrets the bridge's settings hold, and prints the bridge's answer. Exit codes: 0 a 2xx answer, 1 another answer,
// 2 nothing was sent (no such sample, no secret, no bridge listening).
internal static class SendCommand
{
    public const string DefaultUrl = "http://127.0.0.1:7071/";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(100);

    public static Command Build(CommandConsole console)
    {
        var sender = new Argument<string>("sender") { Description = "Who sends: " + string.Join("; ", Senders.All.Select(s => $"{s.Name} ({s.Description})")) + "." };
        sender.AcceptOnlyFromAmong([.. Senders.All.Select(s => s.Name)]);
        var sample = new Argument<string>("sample") { Description = "A sample's name in samples/<sender>/ (e.g. assigned), or the path of a file holding the body." };
        var url = new Option<string>("--url") { Description = "The bridge's address.", DefaultValueFactory = _ => DefaultUrl };
        var deliveryId = new Option<string?>("--delivery-id")
        {
            Description = "The delivery id instead of a fresh one (Jira's webhook identifier, Slack's trigger_id, the Teams activity id, the Idempotency-Key): send twice with one id to see the journal answer the second.",
        };
        var automation = new Option<bool>("--automation") { Description = "jira: send as Jira Automation does (its shared-secret header), as for samples named automation*." };
        var send = new Command("send",
            "Post a sample delivery to the bridge, signed as the sender signs it with the secrets of the bridge's settings, stamped with the current time and a fresh delivery id; print the answer.")
        { sender, sample, url, deliveryId, automation };
        send.SetAction((r, ct) => console.RunAsync(sp => SendAsync(sp, console, Senders.Find(r.GetValue(sender)!)!, r.GetValue(sample)!, r.GetValue(url)!, r.GetValue(deliveryId), r.GetValue(automation), ct)));
        return send;
    }

    private static async Task<int> SendAsync(IServiceProvider services, CommandConsole console, Sender sender, string sample, string url, string? deliveryId, bool automation, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            await console.Error.WriteLineAsync($"--url must be an absolute http(s) address, such as {DefaultUrl}.");
            return 2;
        }

        if (automation && sender is not JiraSender)
        {
            await console.Error.WriteLineAsync("--automation applies to jira only.");
            return 2;
        }

        if (SampleFiles.Resolve(sender, sample, Environment.CurrentDirectory, out var problem) is not { } path)
        {
            await console.Error.WriteLineAsync(problem);
            return 2;
        }

        var body = await File.ReadAllBytesAsync(path, cancellationToken);
        if (sender.Extension == ".txt")
        {
            body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).TrimEnd('\r', '\n')); // a form body has no line end; the file may
        }

        SignedDelivery? delivery;
        try
        {
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            delivery = sender.Prepare(new SendRequest(Path.GetFileNameWithoutExtension(path), body, services.GetRequiredService<IConfiguration>(), now, deliveryId, automation), out problem);
        }
        catch (JsonException exception)
        {
            await console.Error.WriteLineAsync($"{path} is not JSON: {exception.Message}");
            return 2;
        }

        if (delivery is null)
        {
            await console.Error.WriteLineAsync(problem);
            return 2;
        }

        using var request = delivery.Request;
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = s_timeout };
        await console.Error.WriteLineAsync($"POST {new Uri(baseAddress, request.RequestUri!)} {Path.GetRelativePath(Environment.CurrentDirectory, path)}, {delivery.SignedWith}");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            await console.Error.WriteLineAsync($"Could not reach the bridge at {baseAddress}: {exception.Message}. Start it (scripts/dev.sh) or give its address with --url.");
            return 2;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync($"The bridge at {baseAddress} did not answer within {s_timeout.TotalSeconds:0} s.");
            return 2;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            await console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
            if (text.Length > 0)
            {
                await console.Output.WriteLineAsync(Readable(text));
            }

            return response.IsSuccessStatusCode ? 0 : 1;
        }
    }

    /// <summary>JSON indented for reading (characters as they are, not escaped); anything else as it came.</summary>
    internal static string Readable(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                document.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return text;
        }
    }
}

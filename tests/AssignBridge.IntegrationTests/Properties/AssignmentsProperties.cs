using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Properties;

/// <summary>POST /api/assignments with generated bodies: the API's own JSON with hostile values in every member.</summary>
[Collection("azurite")]
public sealed class AssignmentsProperties(AzuriteFixture azurite, ITestOutputHelper output)
{
    public const int Cases = 500;

    private static readonly Gen<string> Person = Gen.Frequency(
        (8, Gen.OneOf("\"jira:5b10ac8d82e05b22cc7d4ef5\"", "\"u_alice_0\"", "\"uid:u_bob_0\"", "\"alice@example.com\"", "\"slack:U024BE7LH\"")),
        (3, Hostile.StringValue),
        (1, Gen.Select(Hostile.Value, Hostile.Value, Hostile.Value, (ns, id, email) => $"{{\"namespace\":{ns},\"id\":{id},\"email\":{email}}}")),
        (1, Hostile.Value));

    private static readonly Gen<string> People = Gen.Frequency((8, Person.Array[0, 4].Select(p => "[" + string.Join(',', p) + "]")), (1, Hostile.List));

    private static readonly Gen<string> Alert = Gen.Frequency(
        (8, Gen.OneOf("\"alert-1\"", "\"alert-2\"", "\"no-such-alert\"")),
        (3, Hostile.StringValue),
        (1, Gen.Select(Hostile.Value, Hostile.Mostly("\"soc\"", Hostile.Value), (id, space) => $"{{\"id\":{id},\"space\":{space}}}")),
        (1, Hostile.Value));

    private static readonly Gen<string> Alerts = Gen.Frequency((8, Alert.Array[0, 5].Select(a => "[" + string.Join(',', a) + "]")), (1, Hostile.List));

    /// <summary>A body in the API's shape: each member present or not, each value valid or hostile, extra members after.</summary>
    internal static readonly Gen<string> Body = Gen.Frequency(
        (12, Gen.Select(
            Gen.Null(Hostile.Mostly("\"soc\"", Hostile.Value), 0.4),
            Gen.Null(Alerts, 0.1),
            Gen.Null(People, 0.2),
            Gen.Null(People, 0.6),
            Gen.Null(Hostile.Value, 0.6),
            Gen.Null(Hostile.Value, 0.6),
            Hostile.Extra("space", "alertIds", "add", "remove", "reference", "requestedBy"),
            (space, alerts, add, remove, reference, requestedBy, extra) => "{" + string.Join(',', new[]
            {
                Member("space", space), Member("alertIds", alerts), Member("add", add), Member("remove", remove),
                Member("reference", reference), Member("requestedBy", requestedBy),
            }.Where(m => m is not null)) + extra + "}")),
        (1, Hostile.Value));

    private static readonly Gen<(string Body, string IdempotencyKey)> Case = Gen.Select(Body, Gen.Frequency((4, Gen.Const(string.Empty)), (1, Hostile.Text)));

    [Fact]
    public async Task Assignments_GeneratedBodies_NoUndocumented5xxAndEveryAcceptedDeliveryFinished()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.SeedAlert("soc", "alert-2");
        await bridge.MapAsync("jira", "5b10ac8d82e05b22cc7d4ef5", "u_alice_0");
        await bridge.MapAsync("email", "alice@example.com", "u_alice_0");
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge);

        await property.RunAsync(Case, c => SendAsync(client, property, c.Body, c.IdempotencyKey), Cases, print: c => Hostile.Show(c.Body, 2_000) + " key=" + Hostile.Show(c.IdempotencyKey));
    }

    internal static async Task SendAsync(HttpClient client, IngressProperty property, string body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative)) { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (idempotencyKey.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", IngressProperty.HeaderSafe(idempotencyKey));
        }

        using var response = await client.SendAsync(request);
        var answer = await property.AnswerAsync(response, "POST /api/assignments", ServerErrors.KibanaFailures);
        if (response.IsSuccessStatusCode && JsonNode.Parse(answer)?["deliveryId"]?.GetValue<string>() is { } deliveryId)
        {
            property.Accepted("api", deliveryId);
        }
    }

    private static string? Member(string name, string? value) => value is null ? null : $"\"{name}\":{value}";
}

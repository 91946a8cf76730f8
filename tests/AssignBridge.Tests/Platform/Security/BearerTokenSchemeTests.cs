using AssignBridge.Admin;
using AssignBridge.AssignmentsApi;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.Tests;

/// <summary>The admin and assignment tokens as authentication schemes: the same checks the verifiers made, through ASP.NET Core's authentication service.</summary>
public sealed class BearerTokenSchemeTests
{
    [Fact]
    public async Task Admin_NoTokenConfigured_NotConfigured()
    {
        var result = await AuthenticateAsync(AdminAccess.Scheme, "Bearer t", ("Assignments:Tokens:0", "t"));
        Assert.Equal("NotConfigured", result.Failure?.Message);
    }

    [Fact]
    public async Task Admin_NamedToken_ValidWithItsLabel()
    {
        var result = await AuthenticateAsync(AdminAccess.Scheme, "Bearer secret-b", ("Admin:Tokens:alice", "secret-a"), ("Admin:Tokens:bob", "secret-b"));
        Assert.True(result.Succeeded);
        Assert.Equal("bob", result.Principal!.Identity!.Name);
    }

    [Fact]
    public async Task Admin_ListToken_LabelledAdmin()
    {
        var result = await AuthenticateAsync(AdminAccess.Scheme, "bearer  secret ", ("Admin:Tokens:0", "secret"));
        Assert.True(result.Succeeded);
        Assert.Equal("admin", result.Principal!.Identity!.Name);
    }

    [Theory]
    [InlineData(null, "Missing")]
    [InlineData("Basic c2VjcmV0", "Missing")]
    [InlineData("Bearer ", "Missing")]
    [InlineData("Bearer other", "Mismatch")]
    public async Task Admin_WrongOrMissing_Refused(string? header, string expected)
    {
        var result = await AuthenticateAsync(AdminAccess.Scheme, header, ("Admin:Tokens:0", "secret"));
        Assert.False(result.Succeeded);
        Assert.Equal(expected, result.Failure?.Message);
    }

    [Theory]
    [InlineData("Bearer token-a", "Valid")]
    [InlineData("bearer token-b", "Valid")]
    [InlineData("Bearer token-c", "Mismatch")]
    [InlineData("Bearer token-a-longer", "Mismatch")]
    [InlineData("Bearer ", "Missing")]
    [InlineData("Basic dXNlcjpwYXNz", "Missing")]
    [InlineData(null, "Missing")]
    public async Task Assignments_RotatedTokens_EachAccepted(string? header, string expected)
    {
        var result = await AuthenticateAsync(AssignmentsEndpoints.TokenScheme, header, ("Assignments:Tokens:0", "token-a"), ("Assignments:Tokens:1", "token-b"));
        Assert.Equal(expected, result.Succeeded ? "Valid" : result.Failure?.Message);
    }

    [Fact]
    public async Task Assignments_NoTokenConfigured_FailsClosed()
    {
        var result = await AuthenticateAsync(AssignmentsEndpoints.TokenScheme, "Bearer anything");
        Assert.Equal("NotConfigured", result.Failure?.Message);
    }

    [Fact]
    public async Task Assignments_SingleTokenSetting_Accepted()
    {
        var result = await AuthenticateAsync(AssignmentsEndpoints.TokenScheme, "Bearer only-one", ("Assignments:Tokens", "only-one"));
        Assert.True(result.Succeeded);
        Assert.Equal("api", result.Principal!.Identity!.Name);
    }

    [Fact]
    public async Task Challenge_Answers401NamingTheSetting_NeverTheCheck()
    {
        var context = Context("Bearer wrong", ("Admin:Tokens:0", "secret"));
        context.Response.Body = new MemoryStream();

        await context.ChallengeAsync(AdminAccess.Scheme);

        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal("Bearer", context.Response.Headers.WWWAuthenticate.ToString());
        var body = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Contains("Admin:Tokens", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Mismatch", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
    }

    private static Task<AuthenticateResult> AuthenticateAsync(string scheme, string? authorization, params (string Key, string Value)[] settings) =>
        Context(authorization, settings).AuthenticateAsync(scheme);

    private static DefaultHttpContext Context(string? authorization, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddAuthentication().AddAdminTokens().AddAssignmentsTokens();
        var context = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }
}

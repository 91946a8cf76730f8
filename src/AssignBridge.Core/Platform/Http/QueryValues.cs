using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssignBridge.Platform.Http;

// Query-string values read by the handlers themselves, not bound by either host, so a standalone route and its
// function answer a bad value alike: a 400 naming the parameter.
internal static class QueryValues
{
    /// <summary>The value of <paramref name="name"/>, null when absent; the first when it is repeated.</summary>
    public static string? Text(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    public static bool TryInt(HttpRequest request, string name, out int? value, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        (value, problem) = (null, null);
        if (Text(request, name) is not { Length: > 0 } text)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = Bad(name, "a whole number");
        return false;
    }

    public static bool TryBool(HttpRequest request, string name, out bool? value, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        (value, problem) = (null, null);
        if (Text(request, name) is not { Length: > 0 } text)
        {
            return true;
        }

        if (bool.TryParse(text, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = Bad(name, "true or false");
        return false;
    }

    private static ProblemHttpResult Bad(string name, string expected) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Bad {name}", detail: $"The query parameter {name} must be {expected}.");
}

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>Locates files of this repository from a test run, wherever the test host was started.</summary>
public static class RepositoryPaths
{
    private const string SolutionFileName = "AssignBridge.sln";

    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds <c>AssignBridge.sln</c>.</summary>
    public static string Root => s_root.Value;

    private static string FindRoot()
    {
        // Tests run from bin/<configuration>/<tfm>/, so the solution sits a few levels up.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Could not find {SolutionFileName} in '{AppContext.BaseDirectory}' or any folder above it; run the tests from inside the repository.");
    }
}

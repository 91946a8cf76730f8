namespace AssignBridge.Cli;

/// <summary>
/// Finds a sample: a path to a file, or a name (<c>assigned</c>) in <c>samples/&lt;sender&gt;/</c> of the source
/// checkout around the working directory, else in the copy shipped with the tool.
/// </summary>
internal static class SampleFiles
{
    /// <summary>The sample's path, or null with a problem that lists the samples there are.</summary>
    public static string? Resolve(Sender sender, string sample, string workingDirectory, out string? problem)
    {
        problem = null;
        var asPath = Path.GetFullPath(sample, workingDirectory);
        if (File.Exists(asPath))
        {
            return asPath;
        }

        var folder = Folder(sender, workingDirectory);
        var names = folder is null ? [] : Names(folder, sender);
        if (sample.Contains('/', StringComparison.Ordinal) || sample.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.HasExtension(sample))
        {
            problem = $"No such file: {asPath}.";
            return null;
        }

        if (folder is not null && names.Contains(sample, StringComparer.Ordinal))
        {
            return Path.Combine(folder, sample + sender.Extension);
        }

        problem = names.Count == 0
            ? $"No sample '{sample}' for {sender.Name}: found no samples/{sender.Name}/ folder. Give the path of a file."
            : $"No sample '{sample}' for {sender.Name} in {folder}. The samples are: {string.Join(", ", names)}; or give the path of a file.";
        return null;
    }

    /// <summary>The nearest <c>samples/&lt;sender&gt;</c> folder above the working directory, else the tool's own.</summary>
    public static string? Folder(Sender sender, string workingDirectory)
    {
        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "samples", sender.Name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, "samples", sender.Name);
        return Directory.Exists(shipped) ? shipped : null;
    }

    public static List<string> Names(string folder, Sender sender) =>
        [.. Directory.EnumerateFiles(folder, "*" + sender.Extension).Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)];
}

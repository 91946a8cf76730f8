using System.Globalization;

namespace AssignBridge.Bench;

/// <summary>CPU time a process has used, from /proc/&lt;pid&gt;/stat (utime + stime, in clock ticks of 10 ms).</summary>
internal static class ProcStat
{
    public static double CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 10.0;
    }
}

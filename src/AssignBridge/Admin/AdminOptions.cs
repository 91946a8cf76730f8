using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Admin;

/// <summary>The <c>Admin</c> settings section. The tokens live under <c>Admin:Tokens</c> and are checked by <see cref="AdminAccess.Scheme"/>.</summary>
internal sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The largest import body; about 100 bytes a row, so the default holds some 80,000 rows.</summary>
    [Range(1_024, 16 * 1_024 * 1_024)]
    public int MaxImportBytes { get; set; } = 8 * 1_024 * 1_024;
}

/// <summary>Checks the data annotations of <see cref="AdminOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class AdminOptionsValidator : IValidateOptions<AdminOptions>;

using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using Microsoft.Extensions.Options;

namespace AssignBridge.Admin;

/// <summary>Who may use the admin routes (<c>/api/manage/…</c>) and how large a mapping import may be.</summary>
internal sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>
    /// Bearer tokens for the admin routes (<c>/api/manage/people</c>, <c>/api/manage/journal</c>,
    /// <c>/api/manage/audit</c>), separate from the assignment tokens and checked by the <see cref="AdminAccess.Scheme"/>
    /// scheme. A named token (<c>Admin:Tokens:alice</c>) stamps the writes made with it <c>admin-api:alice</c>, a listed
    /// one <c>admin-api:admin</c>. None configured: the admin routes refuse everyone.
    /// </summary>
    [SecretSetting(SettingShape.Named)]
    public const string TokensKey = "Tokens";

    /// <summary>The largest <c>POST /api/manage/people/import</c> body; about 100 bytes a row, so the default holds some 80,000 rows.</summary>
    [Range(1_024, 16 * 1_024 * 1_024)]
    public int MaxImportBytes { get; set; } = 8 * 1_024 * 1_024;
}

/// <summary>Checks the data annotations of <see cref="AdminOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class AdminOptionsValidator : IValidateOptions<AdminOptions>;

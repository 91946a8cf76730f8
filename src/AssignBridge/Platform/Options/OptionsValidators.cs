using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace AssignBridge.Platform.Options;

// Each options class sits next to its generated validator ([OptionsValidator]): the data annotations (and
// IValidatableObject) are checked by generated code rather than by reflection, which made the start-up check slow.
internal static class OptionsValidation
{
    /// <summary>Validates <typeparamref name="TOptions"/> with its generated validator (in place of ValidateDataAnnotations).</summary>
    public static OptionsBuilder<TOptions> ValidateGenerated<TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder;
    }
}

namespace AssignBridge.Platform.Configuration;

/// <summary>How the values of a secret setting that is read straight from configuration are laid out.</summary>
internal enum SettingShape
{
    /// <summary>One value (<c>Section:Key</c>).</summary>
    Value,

    /// <summary>A list (<c>Section:Key:0</c>, <c>:1</c>…) or one value (<c>Section:Key</c>), so that a new secret can be configured beside the old one while rotating.</summary>
    List,

    /// <summary>Named values (<c>Section:Key:alice</c>), each labelled by its name, or a list as <see cref="List"/>.</summary>
    Named,
}

/// <summary>
/// The setting's value is a credential: on Azure a Key Vault reference, never in a log line. On a property of an
/// options class it marks a bound setting; on a constant of an options class it declares a key of that section that
/// is not bound (options hold no secret values) but read straight from configuration where it is checked, laid out
/// as <see cref="Shape"/>. docs/configuration.md lists both from here (tests/AssignBridge.Tests/Docs).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecretSettingAttribute(SettingShape shape = SettingShape.Value) : Attribute
{
    public SettingShape Shape { get; } = shape;
}

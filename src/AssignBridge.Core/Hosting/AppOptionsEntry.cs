using Microsoft.Extensions.Options;

namespace AssignBridge.Hosting;

/// <summary>One settings section: its options type, where it is read from, how it is bound and validated.</summary>
internal abstract class AppOptionsEntry
{
    private protected AppOptionsEntry(Type optionsType, string sectionName) => (OptionsType, SectionName) = (optionsType, sectionName);

    public Type OptionsType { get; }

    public string SectionName { get; }

    public static AppOptionsEntry For<TOptions, TValidator>(string sectionName, Action<IConfiguration, TOptions> bind)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>, new() =>
        new TypedEntry<TOptions, TValidator>(sectionName, bind);

    /// <summary>Registers each entry (see <see cref="Register(IServiceCollection)"/>).</summary>
    public static IServiceCollection RegisterAll(IServiceCollection services, IEnumerable<AppOptionsEntry> entries)
    {
        foreach (var entry in entries)
        {
            entry.Register(services);
        }

        return services;
    }

    /// <summary>The options pattern's binding (as <c>BindConfiguration</c>: reloads follow the configuration) and the validator, checked on first use.</summary>
    public abstract void Register(IServiceCollection services);

    /// <summary>Binds the section (an absent one binds to the defaults, as the options pattern does) and validates it; null when valid.</summary>
    public abstract OptionsValidationException? Validate(IConfiguration configuration);

    private sealed class TypedEntry<TOptions, TValidator>(string sectionName, Action<IConfiguration, TOptions> bind) : AppOptionsEntry(typeof(TOptions), sectionName)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        public override void Register(IServiceCollection services)
        {
            services.AddOptions<TOptions>().Configure<IConfiguration>((options, configuration) => bind(configuration.GetSection(SectionName), options));
            services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(sp => new ConfigurationChangeTokenSource<TOptions>(Options.DefaultName, sp.GetRequiredService<IConfiguration>().GetSection(SectionName)));
            services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        }

        public override OptionsValidationException? Validate(IConfiguration configuration)
        {
            var options = new TOptions();
            bind(configuration.GetSection(SectionName), options);
            var result = new TValidator().Validate(Options.DefaultName, options);
            return result.Failed ? new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures ?? [result.FailureMessage]) : null;
        }
    }
}

using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Functions;

/// <summary>
/// A <see cref="FunctionContext"/> for calling a function's method directly: the app's services in one scope per
/// invocation, as the worker gives them, and the invocation's cancellation token. Members no function here reads throw.
/// </summary>
public sealed class TestFunctionContext(IServiceProvider services, string functionName, CancellationToken cancellationToken = default) : FunctionContext, IAsyncDisposable
{
    private readonly AsyncServiceScope _scope = services.CreateAsyncScope();

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => functionName;

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext => throw new NotSupportedException();

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices
    {
        get => _scope.ServiceProvider;
        set => throw new NotSupportedException();
    }

    public override FunctionDefinition FunctionDefinition => new Definition(functionName);

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();

    public override CancellationToken CancellationToken { get; } = cancellationToken;

    public ValueTask DisposeAsync() => _scope.DisposeAsync();

    private sealed class Definition(string name) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => typeof(AssignBridge.Hosting.FunctionsApp).Assembly.Location;

        public override string EntryPoint => name;

        public override string Id => name;

        public override string Name => name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }
}

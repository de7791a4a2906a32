using Microsoft.CodeAnalysis;

namespace Bounded.Analyzers;

/// <summary>Types resolved once per compilation. Any of them may be missing.</summary>
internal sealed class WellKnownTypes
{
    private WellKnownTypes(Compilation compilation)
    {
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        GenericTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
        GenericTaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
        TaskCreationOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskCreationOptions");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
        SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Environment = compilation.GetTypeByMetadataName("System.Environment");
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        ChannelWriter = compilation.GetTypeByMetadataName("System.Threading.Channels.ChannelWriter`1");
        RateLimiter = compilation.GetTypeByMetadataName("System.Threading.RateLimiting.RateLimiter");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        GenericValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
    }

    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? GenericTask { get; }
    public INamedTypeSymbol? TaskFactory { get; }
    public INamedTypeSymbol? GenericTaskFactory { get; }
    public INamedTypeSymbol? TaskCreationOptions { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? ThreadPool { get; }
    public INamedTypeSymbol? SemaphoreSlim { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? Environment { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? List { get; }
    public INamedTypeSymbol? Parallel { get; }
    public INamedTypeSymbol? ChannelWriter { get; }
    public INamedTypeSymbol? RateLimiter { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? GenericValueTask { get; }

    public static WellKnownTypes From(Compilation compilation) => new(compilation);

    public bool IsTaskType(ITypeSymbol? type) =>
        type is not null
        && (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, Task)
            || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, GenericTask));

    public bool IsValueTaskType(ITypeSymbol? type) =>
        type is not null
        && (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, ValueTask)
            || SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, GenericValueTask));
}

using Microsoft.CodeAnalysis;

namespace Bounded.Analyzers.Pooling;

/// <summary>The pool and limiter types, resolved once per compilation.</summary>
internal sealed class PoolingTypes
{
    private PoolingTypes(Compilation compilation)
    {
        ArrayPool = compilation.GetTypeByMetadataName("System.Buffers.ArrayPool`1");
        SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        GenericTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        Span = compilation.GetTypeByMetadataName("System.Span`1");
        ReadOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");
        Memory = compilation.GetTypeByMetadataName("System.Memory`1");
        ReadOnlyMemory = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        ArraySegment = compilation.GetTypeByMetadataName("System.ArraySegment`1");
        MemoryExtensions = compilation.GetTypeByMetadataName("System.MemoryExtensions");
    }

    public INamedTypeSymbol? ArrayPool { get; }
    public INamedTypeSymbol? SemaphoreSlim { get; }
    public INamedTypeSymbol? GenericTask { get; }
    public INamedTypeSymbol? Span { get; }
    public INamedTypeSymbol? ReadOnlySpan { get; }
    public INamedTypeSymbol? Memory { get; }
    public INamedTypeSymbol? ReadOnlyMemory { get; }
    public INamedTypeSymbol? ArraySegment { get; }
    public INamedTypeSymbol? MemoryExtensions { get; }

    public static PoolingTypes From(Compilation compilation) => new(compilation);

    public bool IsRent(IMethodSymbol method) => method.Name == "Rent" && method.IsMethodOf(ArrayPool, "Rent");

    public bool IsReturn(IMethodSymbol method) => method.Name == "Return" && method.IsMethodOf(ArrayPool, "Return");

    public bool IsWait(IMethodSymbol method) =>
        (method.Name == "Wait" || method.Name == "WaitAsync") && SymbolEqualityComparer.Default.Equals(method.ContainingType, SemaphoreSlim);

    public bool IsRelease(IMethodSymbol method) => method.Name == "Release" && SymbolEqualityComparer.Default.Equals(method.ContainingType, SemaphoreSlim);

    /// <summary>Span, ReadOnlySpan, Memory, ReadOnlyMemory or ArraySegment.</summary>
    public bool IsSliceType(ITypeSymbol? type) =>
        type.IsType(Span) || type.IsType(ReadOnlySpan) || type.IsType(Memory) || type.IsType(ReadOnlyMemory) || type.IsType(ArraySegment);

    public bool IsReadOnlySliceType(ITypeSymbol? type) => type.IsType(ReadOnlySpan) || type.IsType(ReadOnlyMemory);
}

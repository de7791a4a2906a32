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
        BuffersExtensions = compilation.GetTypeByMetadataName("System.Buffers.BuffersExtensions");
        MemoryMarshal = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.MemoryMarshal");
        BinaryPrimitives = compilation.GetTypeByMetadataName("System.Buffers.Binary.BinaryPrimitives");
        GC = compilation.GetTypeByMetadataName("System.GC");
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
    public INamedTypeSymbol? BuffersExtensions { get; }
    public INamedTypeSymbol? MemoryMarshal { get; }
    public INamedTypeSymbol? BinaryPrimitives { get; }
    public INamedTypeSymbol? GC { get; }

    public static PoolingTypes From(Compilation compilation) => new(compilation);

    /// <summary>
    /// Spans (and other ref structs), memory, array segments and their helpers (<c>MemoryExtensions</c>,
    /// <c>BuffersExtensions</c>, <c>MemoryMarshal</c>, <c>BinaryPrimitives</c>): they throw only for an invalid
    /// argument, which is a bug at the call, not a failure a <c>finally</c> exists for.
    /// </summary>
    public bool IsMemoryPrimitive(INamedTypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (type.TypeKind == TypeKind.Struct && type.IsRefLikeType)
        {
            return true;
        }

        var definition = type.OriginalDefinition;
        return Is(definition, Memory) || Is(definition, ReadOnlyMemory) || Is(definition, ArraySegment) || Is(definition, MemoryExtensions)
            || Is(definition, BuffersExtensions) || Is(definition, MemoryMarshal) || Is(definition, BinaryPrimitives);
    }

    private static bool Is(INamedTypeSymbol type, INamedTypeSymbol? expected) => SymbolEqualityComparer.Default.Equals(type, expected);

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

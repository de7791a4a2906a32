using Microsoft.CodeAnalysis;

namespace Bounded.Analyzers.Memory;

/// <summary>Types the memory rules need, resolved once per compilation. Any of them may be missing.</summary>
internal sealed class MemoryTypes
{
    private MemoryTypes(Compilation compilation)
    {
        Shared = WellKnownTypes.From(compilation);
        Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
        GC = compilation.GetTypeByMetadataName("System.GC");
        ArrayPool = compilation.GetTypeByMetadataName("System.Buffers.ArrayPool`1");
        Span = compilation.GetTypeByMetadataName("System.Span`1");
        ReadOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");
        Memory = compilation.GetTypeByMetadataName("System.Memory`1");
        ReadOnlyMemory = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        ArraySegment = compilation.GetTypeByMetadataName("System.ArraySegment`1");
        MemoryExtensions = compilation.GetTypeByMetadataName("System.MemoryExtensions");
    }

    public WellKnownTypes Shared { get; }
    public INamedTypeSymbol? Stream { get; }
    public INamedTypeSymbol? GC { get; }
    public INamedTypeSymbol? ArrayPool { get; }
    public INamedTypeSymbol? Span { get; }
    public INamedTypeSymbol? ReadOnlySpan { get; }
    public INamedTypeSymbol? Memory { get; }
    public INamedTypeSymbol? ReadOnlyMemory { get; }
    public INamedTypeSymbol? ArraySegment { get; }
    public INamedTypeSymbol? MemoryExtensions { get; }

    public static MemoryTypes From(Compilation compilation) => new(compilation);

    /// <summary>Span, ReadOnlySpan, Memory, ReadOnlyMemory or ArraySegment: a view that aliases the array.</summary>
    public bool IsView(ITypeSymbol? type) =>
        type is not null
        && (type.IsType(Span) || type.IsType(ReadOnlySpan) || type.IsType(Memory) || type.IsType(ReadOnlyMemory) || type.IsType(ArraySegment));

    public bool IsSpan(ITypeSymbol? type) => type.IsType(Span) || type.IsType(ReadOnlySpan);

    public bool IsMemory(ITypeSymbol? type) => type.IsType(Memory) || type.IsType(ReadOnlyMemory);
}

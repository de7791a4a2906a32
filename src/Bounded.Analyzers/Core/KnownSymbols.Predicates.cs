using Microsoft.CodeAnalysis;

namespace Bounded.Analyzers;

/// <summary>Questions about a type or method that only need the resolved symbols (no flow, no syntax).</summary>
internal sealed partial class KnownSymbols
{
    // ---- tasks ----

    public bool IsTaskType(ITypeSymbol? type) => type.IsType(Task) || type.IsType(GenericTask);

    public bool IsValueTaskType(ITypeSymbol? type) => type.IsType(ValueTask) || type.IsType(GenericValueTask);

    public bool IsAwaitable(ITypeSymbol? type) => IsTaskType(type) || IsValueTaskType(type);

    // ---- cancellation ----

    public bool IsToken(ITypeSymbol? type) => type is not null && SymbolEqualityComparer.Default.Equals(type, CancellationToken);

    public bool IsTokenSource(ITypeSymbol? type) =>
        type is not null && CancellationTokenSource is not null && SymbolEqualityComparer.Default.Equals(type, CancellationTokenSource);

    // ---- memory ----

    /// <summary>Span, ReadOnlySpan, Memory, ReadOnlyMemory or ArraySegment: a view that aliases the array.</summary>
    public bool IsView(ITypeSymbol? type) =>
        type is not null
        && (type.IsType(Span) || type.IsType(ReadOnlySpan) || type.IsType(Memory) || type.IsType(ReadOnlyMemory) || type.IsType(ArraySegment));

    public bool IsReadOnlyView(ITypeSymbol? type) => type.IsType(ReadOnlySpan) || type.IsType(ReadOnlyMemory);

    public bool IsSpan(ITypeSymbol? type) => type.IsType(Span) || type.IsType(ReadOnlySpan);

    public bool IsMemory(ITypeSymbol? type) => type.IsType(Memory) || type.IsType(ReadOnlyMemory);

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

        return type.IsType(Memory) || type.IsType(ReadOnlyMemory) || type.IsType(ArraySegment) || type.IsType(MemoryExtensions)
            || type.IsType(BuffersExtensions) || type.IsType(MemoryMarshal) || type.IsType(BinaryPrimitives);
    }

    /// <summary>
    /// Time values and clocks (<c>TimeSpan</c>, <c>DateTime</c>, <c>DateTimeOffset</c>, <c>Stopwatch</c>): like the
    /// memory primitives they throw only for an invalid argument (an overflow, a bad unit), not a failure a
    /// <c>finally</c> exists for.
    /// </summary>
    public bool IsTimePrimitive(INamedTypeSymbol? type) =>
        type.IsType(TimeSpan) || type.IsType(DateTime) || type.IsType(DateTimeOffset) || type.IsType(Stopwatch);

    // ---- pools and limiters ----

    public bool IsRent(IMethodSymbol method) => method.Name == "Rent" && method.IsMethodOf(ArrayPool, "Rent");

    /// <summary><c>Rent</c> of a <c>MemoryPool&lt;T&gt;</c> (Shared or any derived pool): returns an owner to dispose.</summary>
    public bool IsMemoryRent(IMethodSymbol method) => method.Name == "Rent" && !method.IsStatic && InheritsFrom(method.ContainingType, MemoryPool);

    public bool IsReturn(IMethodSymbol method) => method.Name == "Return" && method.IsMethodOf(ArrayPool, "Return");

    public bool IsWait(IMethodSymbol method) =>
        (method.Name == "Wait" || method.Name == "WaitAsync") && SymbolEqualityComparer.Default.Equals(method.ContainingType, SemaphoreSlim);

    public bool IsRelease(IMethodSymbol method) => method.Name == "Release" && SymbolEqualityComparer.Default.Equals(method.ContainingType, SemaphoreSlim);

    // ---- queues ----

    public bool HasQueues => Channel is not null || BlockingCollection is not null || DataflowBlockOptions is not null;

    /// <summary>A dataflow block whose input queue <c>BoundedCapacity</c> limits.</summary>
    public bool IsBoundableBlock(ITypeSymbol? type) =>
        type is not null
        && (type.IsType(BufferBlock) || type.IsType(ActionBlock) || type.IsType(TransformBlock) || type.IsType(TransformManyBlock));

    public bool IsChannelType(ITypeSymbol? type) => InheritsFrom(type, GenericChannel) || InheritsFrom(type, GenericChannel2);

    public bool IsDataflowOptions(ITypeSymbol? type) => InheritsFrom(type, DataflowBlockOptions);
}

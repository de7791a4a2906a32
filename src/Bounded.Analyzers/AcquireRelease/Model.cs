using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.AcquireRelease;

internal enum ResourceKind
{
    /// <summary>An array rented from <c>ArrayPool&lt;T&gt;.Shared</c> or a local <c>ArrayPool&lt;T&gt;.Create()</c>, held in a local.</summary>
    RentedArray,

    /// <summary>A slot of a <c>SemaphoreSlim</c> held in a local, parameter, static field or field of <c>this</c>.</summary>
    SemaphoreSlot,

    /// <summary>
    /// A channel or BlockingCollection that its producer must complete: held from a write, released by the completion
    /// (BND4003). A use is a read to the end, which must not be reached while the channel is held.
    /// </summary>
    ChannelCompletion,

    /// <summary>An <c>IMemoryOwner&lt;T&gt;</c> rented from a <c>MemoryPool&lt;T&gt;</c>, held in a local, released by <c>Dispose()</c> (BND3005).</summary>
    MemoryOwner,
}

internal enum FlowEventKind
{
    Acquire,

    /// <summary><c>if (sem.Wait(timeout))</c>: the slot is taken only where the condition is true.</summary>
    ConditionalAcquire,
    Release,

    /// <summary>A release under a condition (<c>if (buffer != null)</c>, <c>if (taken)</c>): never reported as a double release.</summary>
    GuardedRelease,
    Use,

    /// <summary><c>buffer = null</c>.</summary>
    Reset,
}

internal sealed class FlowEvent
{
    public FlowEvent(Resource resource, FlowEventKind kind, IOperation operation)
    {
        Resource = resource;
        Kind = kind;
        Operation = operation;
    }

    public Resource Resource { get; }
    public FlowEventKind Kind { get; }

    /// <summary>The operation in the original tree; the graph's copy is matched by syntax and kind.</summary>
    public IOperation Operation { get; }
}

/// <summary>One thing that is acquired and must be released within one function, with what the analysis found.</summary>
internal sealed class Resource
{
    public Resource(ISymbol symbol, ResourceKind kind, object? pool)
    {
        Symbol = symbol;
        Kind = kind;
        Pool = pool;
    }

    public ISymbol Symbol { get; }
    public ResourceKind Kind { get; }

    /// <summary>The pool an array came from (the constructed ArrayPool type for Shared, or the local holding a created pool).</summary>
    public object? Pool { get; }

    public List<FlowEvent> Events { get; } = new();

    /// <summary>Rent calls, or the Wait/WaitAsync calls.</summary>
    public List<IInvocationOperation> Acquires { get; } = new();

    /// <summary>Return calls, or Release calls, in this function.</summary>
    public List<IInvocationOperation> Releases { get; } = new();

    /// <summary>References to the array other than the Return argument.</summary>
    public List<ILocalReferenceOperation> Uses { get; } = new();

    /// <summary>Ownership is unclear (stored, aliased, captured, passed by ref, returned, released elsewhere): report nothing.</summary>
    public bool Failed { get; set; }

    /// <summary>The array is handed to code that may keep it, so a missing Return may be intended.</summary>
    public bool PossiblyOwned { get; set; }

    /// <summary>A path returns an object constructed around the array: ownership leaves with it (returned only on failure).</summary>
    public bool ReturnedInsideAnObject { get; set; }

    public bool NormalLeak { get; set; }

    /// <summary>The call or throw that leaves the function while the resource is held (not counting code in a finally).</summary>
    public SyntaxNode? ExposedBy { get; set; }

    /// <summary>
    /// A release can run before any acquire on its path: the function gives back a slot its caller holds
    /// (release, call out, wait again) or signals with the semaphore.
    /// </summary>
    public bool ReleasedBeforeAcquire { get; set; }

    public List<SyntaxNode> DoubleReleases { get; } = new();
    public List<SyntaxNode> ReleasesWithoutAcquire { get; } = new();
    public List<SyntaxNode> UsesAfterRelease { get; } = new();

    /// <summary>Uses reached while the array may be held; null when the control-flow analysis did not run (the canonical shape, where every use is).</summary>
    public HashSet<SyntaxNode>? UsesWhileHeld { get; set; }

    internal void Add(List<SyntaxNode> list, SyntaxNode node)
    {
        if (!list.Contains(node))
        {
            list.Add(node);
        }
    }
}

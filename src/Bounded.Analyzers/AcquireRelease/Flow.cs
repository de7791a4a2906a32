using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.AcquireRelease;

/// <summary>The flow role of the acquire/release analysis: the may-state walk over the control-flow graph.</summary>
internal static partial class AcquireReleaseAnalysis
{
    /// <summary>Runs the may-state analysis for every resource that is not <see cref="Resource.Failed"/>.</summary>
    public static void Flow(ControlFlowGraph graph, List<Resource> resources, KnownSymbols types, CancellationToken cancellationToken)
    {
        var events = new Dictionary<SyntaxNode, FlowEvent>();
        foreach (var resource in resources)
        {
            if (resource.Failed)
            {
                continue;
            }

            foreach (var flowEvent in resource.Events)
            {
                var key = flowEvent.Operation.Syntax;
                if (events.TryGetValue(key, out var existing))
                {
                    existing.Resource.Failed = true;
                    resource.Failed = true;
                    continue;
                }

                events.Add(key, flowEvent);
            }
        }

        // A producer's own enumeration of a list or array and its non-throwing writes are not failures its completion waits for.
        var producer = resources.Count > 0 && resources[0].Kind == ResourceKind.ChannelCompletion;
        var blocks = graph.Blocks;
        var items = new List<Item>[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var list = new List<Item>();
            foreach (var operation in blocks[i].Operations)
            {
                Collect(operation, events, types, producer, list, inBranch: false, branchRoot: null);
            }

            if (blocks[i].BranchValue is { } branchValue)
            {
                Collect(branchValue, events, types, producer, list, inBranch: true, branchRoot: branchValue);
            }

            items[i] = list;
        }

        foreach (var resource in resources)
        {
            if (!resource.Failed)
            {
                new FlowRun(graph, items, resource, cancellationToken).Execute();
            }
        }
    }

    private readonly struct Item
    {
        public Item(FlowEvent? flowEvent, SyntaxNode? throwing, bool negated, bool inBranch)
        {
            Event = flowEvent;
            Throwing = throwing;
            Negated = negated;
            InBranch = inBranch;
        }

        public FlowEvent? Event { get; }

        /// <summary>A call or await that may throw before the event (if any) happens.</summary>
        public SyntaxNode? Throwing { get; }

        /// <summary>The branch value is the negation of a conditional acquire.</summary>
        public bool Negated { get; }

        public bool InBranch { get; }
    }

    /// <summary>Post-order (evaluation order) walk of one graph operation, skipping lambda bodies.</summary>
    private static void Collect(IOperation operation, Dictionary<SyntaxNode, FlowEvent> events, KnownSymbols types, bool producer, List<Item> items, bool inBranch, IOperation? branchRoot)
    {
        if (operation is IFlowAnonymousFunctionOperation)
        {
            return;
        }

        foreach (var child in operation.ChildOperations)
        {
            Collect(child, events, types, producer, items, inBranch, branchRoot);
        }

        FlowEvent? flowEvent = null;
        if (events.TryGetValue(operation.Syntax, out var candidate) && candidate.Operation.Kind == operation.Kind)
        {
            flowEvent = candidate;
        }

        var throwing = MayThrow(operation, types) && !(producer && CannotFailForAProducer(operation)) && flowEvent?.Kind is not (FlowEventKind.Release or FlowEventKind.GuardedRelease) && !IsWaitThatCannotFail(operation, types) ? operation.Syntax : null;
        if (flowEvent is null && throwing is null)
        {
            return;
        }

        var negated = false;
        if (flowEvent?.Kind == FlowEventKind.ConditionalAcquire && inBranch && !ReferenceEquals(operation, branchRoot))
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not })
                {
                    negated = !negated;
                }
                else if (parent is not (IConversionOperation or IParenthesizedOperation))
                {
                    flowEvent.Resource.Failed = true;
                    break;
                }

                if (ReferenceEquals(parent, branchRoot))
                {
                    break;
                }
            }
        }

        items.Add(new Item(flowEvent, throwing, negated, inBranch));
    }

    private static bool MayThrow(IOperation operation, KnownSymbols types)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                var name = method.Name;
                if (name is "ConfigureAwait" or "AsSpan" or "AsMemory" or "Slice" or "ToString" or "GetHashCode" or "Equals"
                    || (name is "Rent" or "Return" && method.ContainingType?.Name == "ArrayPool"))
                {
                    return false; // cannot fail for a valid argument (renting only fails when memory runs out)
                }

                return !types.IsMemoryPrimitive(method.ContainingType)
                    && !types.IsTimePrimitive(method.ContainingType)
                    && !(name == "KeepAlive" && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.GC))
                    && !EndsOnlyByTime(invocation, types);
            case IObjectCreationOperation creation:
                return !types.IsMemoryPrimitive(creation.Type as INamedTypeSymbol) && !types.IsTimePrimitive(creation.Type as INamedTypeSymbol);
            case IAwaitOperation awaited:
                return !(Awaiting.AwaitedCall(awaited) is IInvocationOperation call && EndsOnlyByTime(call, types));
            case IDynamicInvocationOperation:
            case IDynamicObjectCreationOperation:
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>Task.Delay</c> with no token that can cancel it (and no time provider), or <c>Task.Yield</c>: it ends only by
    /// time, so neither the call nor its await fails for a valid argument (a delay fails only when it is negative).
    /// </summary>
    private static bool EndsOnlyByTime(IInvocationOperation call, KnownSymbols types)
    {
        var method = call.TargetMethod;
        if (method.Name is not ("Delay" or "Yield") || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Task))
        {
            return false;
        }

        foreach (var argument in call.Arguments)
        {
            var type = argument.Parameter?.Type;
            var timeOnly = type is not null
                && (type.SpecialType == SpecialType.System_Int32
                    || type.IsType(types.TimeSpan)
                    || (types.IsToken(type) && !types.IsLiveToken(argument.Value)));
            if (!timeOnly)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>TryWrite</c>/<c>TryAdd</c>/<c>TryComplete</c>, and enumerating a <c>List&lt;T&gt;</c>, <c>Dictionary</c> or another concrete <c>System.Collections.Generic</c> collection (an interface may run user code).</summary>
    private static bool CannotFailForAProducer(IOperation operation)
    {
        if (operation is not IInvocationOperation { TargetMethod: { } method })
        {
            return false;
        }

        if (method.Name is "TryWrite" or "TryComplete")
        {
            return method.ContainingType?.Name == "ChannelWriter";
        }

        return method.Name is "GetEnumerator" or "MoveNext" or "Dispose"
            && method.ContainingType is { TypeKind: not TypeKind.Interface } type
            && (type.ContainingType ?? type).ContainingNamespace?.ToDisplayString() == "System.Collections.Generic";
    }

    /// <summary>One resource's may-state analysis over one graph.</summary>
    private sealed class FlowRun
    {
        private readonly ControlFlowGraph _graph;
        private readonly List<Item>[] _items;
        private readonly Resource _resource;
        private readonly CancellationToken _cancellationToken;
        private readonly int[] _in;
        private readonly Queue<int> _work = new();
        private readonly bool[] _queued;
        private readonly Dictionary<ControlFlowRegion, int[]> _finallyResults = new();

        public FlowRun(ControlFlowGraph graph, List<Item>[] items, Resource resource, CancellationToken cancellationToken)
        {
            _graph = graph;
            _items = items;
            _resource = resource;
            _cancellationToken = cancellationToken;
            _in = new int[graph.Blocks.Length];
            _queued = new bool[graph.Blocks.Length];
        }

        public void Execute()
        {
            _resource.UsesWhileHeld = new HashSet<SyntaxNode>();
            Join(null, 0, Unacquired | Initial);
            while (_work.Count > 0 && !_resource.Failed)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var ordinal = _work.Dequeue();
                _queued[ordinal] = false;
                Process(ordinal, _in[ordinal], null);
            }
        }

        private sealed class LocalRun
        {
            public LocalRun(ControlFlowRegion region, int blockCount)
            {
                Region = region;
                In = new int[blockCount];
                Queued = new bool[blockCount];
            }

            public ControlFlowRegion Region { get; }
            public int[] In { get; }
            public bool[] Queued { get; }
            public Queue<int> Work { get; } = new();
            public int Result { get; set; }

            public bool Contains(int ordinal) => ordinal >= Region.FirstBlockOrdinal && ordinal <= Region.LastBlockOrdinal;
        }

        private void Join(LocalRun? local, int ordinal, int mask)
        {
            if (local is not null && local.Contains(ordinal))
            {
                var merged = local.In[ordinal] | mask;
                if (merged != local.In[ordinal])
                {
                    local.In[ordinal] = merged;
                    if (!local.Queued[ordinal])
                    {
                        local.Queued[ordinal] = true;
                        local.Work.Enqueue(ordinal);
                    }
                }

                return;
            }

            var old = _in[ordinal];
            if ((old | mask) != old)
            {
                _in[ordinal] = old | mask;
                if (!_queued[ordinal])
                {
                    _queued[ordinal] = true;
                    _work.Enqueue(ordinal);
                }
            }
        }

        private void Process(int ordinal, int mask, LocalRun? local)
        {
            if (mask == 0)
            {
                return;
            }

            var block = _graph.Blocks[ordinal];
            if (block.Kind == BasicBlockKind.Exit)
            {
                if ((mask & Held) != 0)
                {
                    _resource.NormalLeak = true;
                }

                return;
            }

            var conditional = false;
            var negated = false;
            var beforeAcquire = 0;
            foreach (var item in _items[ordinal])
            {
                if (item.Throwing is not null)
                {
                    Raise(block, mask, item.Throwing, local);
                }

                if (item.Event is not { } flowEvent || !ReferenceEquals(flowEvent.Resource, _resource))
                {
                    continue;
                }

                if (flowEvent.Kind == FlowEventKind.ConditionalAcquire)
                {
                    if (!item.InBranch)
                    {
                        _resource.Failed = true;
                        return;
                    }

                    conditional = true;
                    negated = item.Negated;
                    beforeAcquire = mask & ~Initial; // a failed wait: the path waited, without a slot
                    mask = Held;
                    continue;
                }

                mask = Apply(flowEvent, mask);
            }

            var fallMask = mask;
            var conditionalMask = mask;
            if (conditional)
            {
                var acquiredWhenJumping = (block.ConditionKind == ControlFlowConditionKind.WhenTrue) != negated;
                if (acquiredWhenJumping)
                {
                    fallMask = beforeAcquire;
                }
                else
                {
                    conditionalMask = beforeAcquire;
                }
            }

            // `if (buffer != null) Return(buffer);`, `if (taken) sem.Release();`: the edge that skips a guarded release
            // is taken only when nothing is held.
            if (!conditional && block.ConditionalSuccessor is { Destination: { } jumpTarget } && block.FallThroughSuccessor is { Destination: { } fallTarget }
                && block.BranchValue is { } condition && !Calls(condition))
            {
                if (StartsWithGuardedRelease(jumpTarget.Ordinal))
                {
                    fallMask &= ~Held;
                }
                else if (StartsWithGuardedRelease(fallTarget.Ordinal))
                {
                    conditionalMask &= ~Held;
                }
            }

            if (block.ConditionalSuccessor is { } jump)
            {
                Follow(block, jump, conditionalMask, local);
            }

            if (block.FallThroughSuccessor is { } fall)
            {
                Follow(block, fall, fallMask, local);
            }
        }

        private bool StartsWithGuardedRelease(int ordinal)
        {
            foreach (var item in _items[ordinal])
            {
                if (item.Event is { Kind: FlowEventKind.GuardedRelease } flowEvent && ReferenceEquals(flowEvent.Resource, _resource))
                {
                    return true;
                }
            }

            return false;
        }

        private void Follow(BasicBlock block, ControlFlowBranch branch, int mask, LocalRun? local)
        {
            switch (branch.Semantics)
            {
                case ControlFlowBranchSemantics.Throw:
                case ControlFlowBranchSemantics.Rethrow:
                    Raise(block, mask, block.BranchValue?.Syntax ?? block.Operations.LastOrDefaultSyntax(), local);
                    return;
                case ControlFlowBranchSemantics.StructuredExceptionHandling:
                    if (local is not null)
                    {
                        local.Result |= mask;
                    }

                    return;
                case ControlFlowBranchSemantics.ProgramTermination:
                case ControlFlowBranchSemantics.Error:
                    return;
            }

            foreach (var region in branch.FinallyRegions)
            {
                mask = ApplyFinally(region, mask);
            }

            if (branch.Destination is { } destination)
            {
                Join(local, destination.Ordinal, mask);
            }
        }

        private int Apply(FlowEvent flowEvent, int mask)
        {
            var isArray = _resource.Kind == ResourceKind.RentedArray;
            var syntax = flowEvent.Operation.Syntax;
            switch (flowEvent.Kind)
            {
                case FlowEventKind.Acquire:
                    return Held;
                case FlowEventKind.Reset:
                    return Unacquired;
                case FlowEventKind.Use:
                    if ((mask & Released) != 0)
                    {
                        _resource.Add(_resource.UsesAfterRelease, syntax);
                    }

                    if ((mask & Held) != 0)
                    {
                        _resource.UsesWhileHeld?.Add(syntax);
                    }

                    return mask;
                case FlowEventKind.Release:
                    if ((mask & Initial) != 0)
                    {
                        _resource.ReleasedBeforeAcquire = true;
                    }

                    if ((mask & Released) != 0)
                    {
                        _resource.Add(_resource.DoubleReleases, syntax);
                    }

                    // Only a release that is paired on another path: a semaphore released before any wait is a signal.
                    if ((mask & Unacquired) != 0 && (mask & Held) != 0 && !isArray)
                    {
                        _resource.Add(_resource.ReleasesWithoutAcquire, syntax);
                    }

                    var result = (mask & (Held | Released)) != 0 ? Released : 0;
                    if ((mask & Unacquired) != 0)
                    {
                        result |= isArray ? Unacquired : Released;
                    }

                    return result;
                case FlowEventKind.GuardedRelease:
                    return (mask & ~Held) | ((mask & Held) != 0 ? Released : 0);
                default:
                    return mask;
            }
        }

        /// <summary>An exception leaves <paramref name="block"/>: run the finally regions it crosses, reach the catch handlers or leave the function.</summary>
        /// <remarks>
        /// The walk stops at this graph's root region. The root region of a lambda's or local function's graph has the
        /// containing function's region as its <see cref="ControlFlowRegion.EnclosingRegion"/> (a <c>using</c> or
        /// <c>try</c> around the lambda): those regions hold the outer graph's block ordinals, and the exception does not
        /// cross them while this function runs; it leaves this function.
        /// </remarks>
        private void Raise(BasicBlock block, int mask, SyntaxNode? thrower, LocalRun? local)
        {
            var root = _graph.Root;
            var region = block.EnclosingRegion;
            while (region is not null && !ReferenceEquals(region, root))
            {
                if (region.Kind == ControlFlowRegionKind.Try && region.EnclosingRegion is { } parent)
                {
                    if (parent.Kind == ControlFlowRegionKind.TryAndFinally)
                    {
                        mask = ApplyFinally(parent.NestedRegions[1], mask);
                    }
                    else if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
                    {
                        var catchesAll = false;
                        for (var i = 1; i < parent.NestedRegions.Length; i++)
                        {
                            var handler = parent.NestedRegions[i];
                            Join(local, handler.FirstBlockOrdinal, mask);
                            if (handler.Kind == ControlFlowRegionKind.Catch && IsCatchAll(handler.ExceptionType))
                            {
                                catchesAll = true;
                            }
                        }

                        if (catchesAll)
                        {
                            return;
                        }
                    }

                    region = parent.EnclosingRegion;
                    continue;
                }

                region = region.EnclosingRegion;
            }

            // Code that runs before the release in the same finally (`finally { Cleanup(); gate.Release(); }`) is
            // the release-in-finally idiom, not a release that exceptions skip.
            if ((mask & Held) != 0 && thrower is not null && !InFinally(block.EnclosingRegion, root) && NamesTheFailureBetter(thrower, _resource.ExposedBy))
            {
                _resource.ExposedBy = thrower;
            }
        }

        /// <summary>
        /// The message names one thrower: a throw or an awaited call before a plain call, a call before an allocation
        /// (<c>new Dictionary&lt;…&gt;()</c> fails only when memory runs out), the first in the source among equals.
        /// </summary>
        private static bool NamesTheFailureBetter(SyntaxNode thrower, SyntaxNode? current)
        {
            if (current is null)
            {
                return true;
            }

            var rank = FailureRank(thrower);
            var currentRank = FailureRank(current);
            return rank > currentRank || rank == currentRank && thrower.SpanStart < current.SpanStart;
        }

        private static int FailureRank(SyntaxNode thrower) => thrower switch
        {
            ThrowStatementSyntax or ThrowExpressionSyntax or AwaitExpressionSyntax => 3,
            InvocationExpressionSyntax => 2,
            _ => 1,
        };

        private static bool InFinally(ControlFlowRegion? region, ControlFlowRegion root)
        {
            for (; region is not null && !ReferenceEquals(region, root); region = region.EnclosingRegion)
            {
                if (region.Kind == ControlFlowRegionKind.Finally)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsCatchAll(ITypeSymbol? type) =>
            type is null
            || type.SpecialType == SpecialType.System_Object
            || (type.Name == "Exception" && type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true });

        /// <summary>The state after running <paramref name="region"/> (a finally) from <paramref name="mask"/>; memoised per input.</summary>
        private int ApplyFinally(ControlFlowRegion region, int mask)
        {
            if (mask == 0)
            {
                return 0;
            }

            if (!_finallyResults.TryGetValue(region, out var results))
            {
                results = new int[(Unacquired | Held | Released | Initial) + 1];
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = -1;
                }

                _finallyResults.Add(region, results);
            }

            if (results[mask] >= 0)
            {
                return results[mask];
            }

            if (HasCatch(region))
            {
                _resource.Failed = true; // a try/catch inside a finally: not modelled
                results[mask] = mask;
                return mask;
            }

            var local = new LocalRun(region, _graph.Blocks.Length);
            results[mask] = mask; // guards against re-entry while running
            Join(local, region.FirstBlockOrdinal, mask);
            while (local.Work.Count > 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var ordinal = local.Work.Dequeue();
                local.Queued[ordinal] = false;
                Process(ordinal, local.In[ordinal], local);
            }

            results[mask] = local.Result;
            return local.Result;
        }

        private static bool HasCatch(ControlFlowRegion region)
        {
            foreach (var nested in region.NestedRegions)
            {
                if (nested.Kind == ControlFlowRegionKind.TryAndCatch || HasCatch(nested))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static SyntaxNode? LastOrDefaultSyntax(this System.Collections.Immutable.ImmutableArray<IOperation> operations) =>
        operations.IsDefaultOrEmpty ? null : operations[operations.Length - 1].Syntax;
}

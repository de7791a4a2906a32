using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Pooling;

/// <summary>Counts the control-flow graphs an analyzer instance asked for (the cost gate is observable in tests and benchmarks).</summary>
internal sealed class GraphBuildCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}

/// <summary>
/// Wires the acquire/release analysis into an analyzer. An invocation action notes Rent (or Wait/WaitAsync) calls;
/// only when a member had one does the block-end action build the control-flow graph of each function that holds one.
/// </summary>
internal static class AcquireReleaseDriver
{
    public static void Register(
        CompilationStartAnalysisContext start,
        PoolingTypes types,
        ResourceKind kind,
        GraphBuildCounter counter,
        Action<OperationBlockAnalysisContext, IOperation, List<Resource>> report)
    {
        start.RegisterOperationBlockStartAction(blockStart =>
        {
            var gate = new object();
            List<IInvocationOperation>? candidates = null;
            blockStart.RegisterOperationAction(
                context =>
                {
                    var invocation = (IInvocationOperation)context.Operation;
                    var method = invocation.TargetMethod;
                    if (kind == ResourceKind.RentedArray ? !types.IsRent(method) : !types.IsWait(method))
                    {
                        return;
                    }

                    lock (gate)
                    {
                        (candidates ??= new List<IInvocationOperation>()).Add(invocation);
                    }

                },
                OperationKind.Invocation);

            blockStart.RegisterOperationBlockEndAction(end =>
            {
                List<IInvocationOperation>? found;
                lock (gate)
                {
                    found = candidates;
                }

                if (found is not null)
                {
                    Analyze(end, found, types, kind, counter, report);
                }
            });
        });
    }

    private static void Analyze(
        OperationBlockAnalysisContext context,
        List<IInvocationOperation> candidates,
        PoolingTypes types,
        ResourceKind kind,
        GraphBuildCounter counter,
        Action<OperationBlockAnalysisContext, IOperation, List<Resource>> report)
    {
        var functions = new List<IOperation>();
        foreach (var candidate in candidates)
        {
            var function = AcquireReleaseAnalysis.FunctionOf(candidate);
            if (!functions.Contains(function))
            {
                functions.Add(function);
            }
        }

        var graphs = new Dictionary<IOperation, ControlFlowGraph?>();
        foreach (var function in functions)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var resources = AcquireReleaseAnalysis.Collect(function, types, kind, context.CancellationToken);
            if (!HasLiveResource(resources))
            {
                continue;
            }

            var graph = GraphFor(context, function, graphs, counter);
            if (graph is null)
            {
                continue;
            }

            AcquireReleaseAnalysis.Flow(graph, resources, context.CancellationToken);
            report(context, function, resources);
        }
    }

    private static bool HasLiveResource(List<Resource> resources)
    {
        foreach (var resource in resources)
        {
            if (!resource.Failed)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The graph of the operation block, lambda or local function <paramref name="function"/>.</summary>
    private static ControlFlowGraph? GraphFor(OperationBlockAnalysisContext context, IOperation function, Dictionary<IOperation, ControlFlowGraph?> graphs, GraphBuildCounter counter)
    {
        if (graphs.TryGetValue(function, out var cached))
        {
            return cached;
        }

        ControlFlowGraph? graph = null;
        switch (function)
        {
            case IAnonymousFunctionOperation lambda:
                if (GraphFor(context, AcquireReleaseAnalysis.FunctionOf(lambda), graphs, counter) is { } outer
                    && FindLambda(outer, lambda.Symbol) is { } flow)
                {
                    counter.Increment();
                    graph = outer.GetAnonymousFunctionControlFlowGraph(flow, context.CancellationToken);
                }

                break;
            case ILocalFunctionOperation localFunction:
                if (GraphFor(context, AcquireReleaseAnalysis.FunctionOf(localFunction), graphs, counter) is { } container
                    && container.LocalFunctions.Contains(localFunction.Symbol))
                {
                    counter.Increment();
                    graph = container.GetLocalFunctionControlFlowGraph(localFunction.Symbol, context.CancellationToken);
                }

                break;
            default:
                foreach (var block in context.OperationBlocks)
                {
                    if (RootOf(block) == function && block.Kind is OperationKind.Block or OperationKind.MethodBody or OperationKind.ConstructorBody
                        or OperationKind.FieldInitializer or OperationKind.PropertyInitializer or OperationKind.ParameterInitializer)
                    {
                        counter.Increment();
                        graph = context.GetControlFlowGraph(block);
                        break;
                    }
                }

                break;
        }

        graphs[function] = graph;
        return graph;
    }

    private static IOperation RootOf(IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    private static IFlowAnonymousFunctionOperation? FindLambda(ControlFlowGraph graph, IMethodSymbol symbol)
    {
        foreach (var block in graph.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                if (FindLambda(operation, symbol) is { } found)
                {
                    return found;
                }
            }

            if (block.BranchValue is { } value && FindLambda(value, symbol) is { } inBranch)
            {
                return inBranch;
            }
        }

        return null;
    }

    private static IFlowAnonymousFunctionOperation? FindLambda(IOperation root, IMethodSymbol symbol)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is IFlowAnonymousFunctionOperation flow && SymbolEqualityComparer.Default.Equals(flow.Symbol, symbol))
            {
                return flow;
            }
        }

        return null;
    }
}

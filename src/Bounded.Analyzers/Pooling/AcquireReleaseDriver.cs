using System;
using System.Collections.Concurrent;
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
/// Wires the acquire/release analysis into an analyzer. A compilation-wide invocation action notes the members
/// that call Rent (or Wait/WaitAsync); the operation-block action of such a member (run after its operation
/// actions) builds the control-flow graph only of the functions that hold one. Every other member costs one
/// method-name check per invocation and one dictionary lookup: no per-member registration, no graph.
/// </summary>
internal static class AcquireReleaseDriver
{
    public static void Register(
        CompilationStartAnalysisContext start,
        PoolingTypes types,
        ResourceKind kind,
        GraphBuildCounter counter,
        Action<Action<Diagnostic>, IOperation, List<Resource>> report)
    {
        // Candidate calls by the syntax of their member's root operation; removed when the member is analysed.
        var pending = new ConcurrentDictionary<SyntaxNode, ConcurrentQueue<IInvocationOperation>>();
        start.RegisterOperationAction(
            context =>
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (IsCandidate(invocation.TargetMethod, types, kind))
                {
                    pending.GetOrAdd(RootOf(invocation).Syntax, _ => new ConcurrentQueue<IInvocationOperation>()).Enqueue(invocation);
                }
            },
            OperationKind.Invocation);

        start.RegisterOperationBlockAction(context =>
        {
            foreach (var block in context.OperationBlocks)
            {
                if (pending.TryRemove(RootOf(block).Syntax, out var found))
                {
                    Analyze(RootOf(block), new List<IInvocationOperation>(found), types, kind, counter, report, context.ReportDiagnostic, context.CancellationToken);
                }
            }
        });
    }

    private static bool IsCandidate(IMethodSymbol method, PoolingTypes types, ResourceKind kind) =>
        kind == ResourceKind.RentedArray ? types.IsRent(method) : types.IsWait(method);

    private static void Analyze(
        IOperation root,
        List<IInvocationOperation> candidates,
        PoolingTypes types,
        ResourceKind kind,
        GraphBuildCounter counter,
        Action<Action<Diagnostic>, IOperation, List<Resource>> report,
        Action<Diagnostic> reportDiagnostic,
        CancellationToken cancellationToken)
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
            cancellationToken.ThrowIfCancellationRequested();
            var resources = AcquireReleaseAnalysis.Collect(function, types, kind, cancellationToken);
            if (!HasLiveResource(resources))
            {
                continue;
            }

            var graph = GraphFor(root, function, graphs, counter, cancellationToken);
            if (graph is null)
            {
                continue;
            }

            AcquireReleaseAnalysis.Flow(graph, resources, cancellationToken);
            report(reportDiagnostic, function, resources);
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
    private static ControlFlowGraph? GraphFor(IOperation root, IOperation function, Dictionary<IOperation, ControlFlowGraph?> graphs, GraphBuildCounter counter, CancellationToken cancellationToken)
    {
        if (graphs.TryGetValue(function, out var cached))
        {
            return cached;
        }

        ControlFlowGraph? graph = null;
        switch (function)
        {
            case IAnonymousFunctionOperation lambda:
                if (GraphFor(root, AcquireReleaseAnalysis.FunctionOf(lambda), graphs, counter, cancellationToken) is { } outer
                    && FindLambda(outer, lambda.Symbol) is { } flow)
                {
                    counter.Increment();
                    graph = outer.GetAnonymousFunctionControlFlowGraph(flow, cancellationToken);
                }

                break;
            case ILocalFunctionOperation localFunction:
                if (GraphFor(root, AcquireReleaseAnalysis.FunctionOf(localFunction), graphs, counter, cancellationToken) is { } container
                    && container.LocalFunctions.Contains(localFunction.Symbol))
                {
                    counter.Increment();
                    graph = container.GetLocalFunctionControlFlowGraph(localFunction.Symbol, cancellationToken);
                }

                break;
            default:
                if (function == root)
                {
                    graph = CreateGraph(root, cancellationToken);
                    if (graph is not null)
                    {
                        counter.Increment();
                    }
                }

                break;
        }

        graphs[function] = graph;
        return graph;
    }

    /// <summary>The graph of a member's root operation: a body, a constructor body or an initializer.</summary>
    private static ControlFlowGraph? CreateGraph(IOperation root, CancellationToken cancellationToken) => root switch
    {
        IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
        IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor, cancellationToken),
        IBlockOperation block => ControlFlowGraph.Create(block, cancellationToken),
        IFieldInitializerOperation field => ControlFlowGraph.Create(field, cancellationToken),
        IPropertyInitializerOperation property => ControlFlowGraph.Create(property, cancellationToken),
        IParameterInitializerOperation parameter => ControlFlowGraph.Create(parameter, cancellationToken),
        _ => null,
    };

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

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.AcquireRelease;

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
        KnownSymbols types,
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

    private static bool IsCandidate(IMethodSymbol method, KnownSymbols types, ResourceKind kind) => kind switch
    {
        ResourceKind.RentedArray => types.IsRent(method),
        ResourceKind.MemoryOwner => types.IsMemoryRent(method),
        _ => types.IsWait(method),
    };

    private static void Analyze(
        IOperation root,
        List<IInvocationOperation> candidates,
        KnownSymbols types,
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

            // The acquire-then-try/finally idiom is proven by its shape; only the rest needs the graph.
            var needsFlow = new List<Resource>();
            foreach (var resource in resources)
            {
                if (!resource.Failed && !IsCanonical(resource))
                {
                    needsFlow.Add(resource);
                }
            }

            if (needsFlow.Count > 0)
            {
                var graph = GraphFor(root, function, graphs, counter, cancellationToken);
                if (graph is null)
                {
                    continue;
                }

                AcquireReleaseAnalysis.Flow(graph, needsFlow, types, cancellationToken);
            }

            report(reportDiagnostic, function, resources);
        }
    }

    /// <summary>
    /// The idiom that needs no graph: one acquire as a statement of its own (<c>await gate.WaitAsync();</c>, or
    /// <c>var buffer = pool.Rent(n);</c>), immediately followed by a <c>try</c> whose <c>finally</c> starts with the one
    /// release of the function; for an array, every use sits inside that <c>try</c>. Every path after the acquire enters
    /// the try and the finally releases exactly once, so no path can leak, release twice or use after release.
    /// </summary>
    private static bool IsCanonical(Resource resource)
    {
        if (resource.Acquires.Count != 1 || resource.Releases.Count != 1)
        {
            return false;
        }

        var acquire = resource.Acquires[0];
        StatementSyntax? statement;
        if (resource.Kind == ResourceKind.SemaphoreSlot)
        {
            var method = acquire.TargetMethod;
            if (resource.Releases[0].Arguments.Length != 0
                || !(method.ReturnsVoid || method.ReturnType is INamedTypeSymbol { Name: "Task", IsGenericType: false }))
            {
                return false; // Release(n), or a Wait whose bool result decides whether a slot was taken
            }

            SyntaxNode node = acquire.Syntax;
            while (node.Parent is AwaitExpressionSyntax or ParenthesizedExpressionSyntax
                || node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" }
                || (node.Parent is InvocationExpressionSyntax && node is MemberAccessExpressionSyntax))
            {
                node = node.Parent;
            }

            statement = node.Parent as ExpressionStatementSyntax;
        }
        else
        {
            statement = acquire.Syntax.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } }
                ? declaration
                : null;
        }

        if (statement?.Parent is not BlockSyntax block)
        {
            return false;
        }

        // Declarations of locals with literal values (long total = 0;) may stand between: they cannot throw.
        var next = block.Statements.IndexOf(statement) + 1;
        while (next < block.Statements.Count && IsLiteralDeclaration(block.Statements[next]))
        {
            next++;
        }

        if (next >= block.Statements.Count
            || block.Statements[next] is not TryStatementSyntax { Finally.Block.Statements: { Count: > 0 } finallyStatements } guarded
            || finallyStatements[0] is not ExpressionStatementSyntax { Expression: var released }
            || released != resource.Releases[0].Syntax)
        {
            return false;
        }

        foreach (var use in resource.Uses)
        {
            if (!guarded.Block.Span.Contains(use.Syntax.Span))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLiteralDeclaration(StatementSyntax statement)
    {
        if (statement is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, AwaitKeyword.RawKind: 0 } declaration)
        {
            return false;
        }

        foreach (var variable in declaration.Declaration.Variables)
        {
            if (variable.Initializer is { Value: var value } && value is not (LiteralExpressionSyntax or DefaultExpressionSyntax))
            {
                return false;
            }
        }

        return true;
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
    internal static ControlFlowGraph? GraphFor(IOperation root, IOperation function, Dictionary<IOperation, ControlFlowGraph?> graphs, GraphBuildCounter counter, CancellationToken cancellationToken)
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

    internal static IOperation RootOf(IOperation operation)
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

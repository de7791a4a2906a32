using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

/// <summary>BND4001: a channel, BlockingCollection or dataflow block created without a capacity.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedQueueAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UnboundedQueue,
        title: "Unbounded queue",
        message: "'{0}' creates a queue with no capacity; when producers outrun consumers it grows until memory runs out",
        RuleCategories.Queues,
        DiagnosticSeverity.Info,
        description: "An unbounded channel, BlockingCollection or dataflow block accepts every item at once, so a producer that is "
            + "faster than its consumer makes the queue, and the process, grow without limit. Give the queue a capacity and let "
            + "producers wait for room (BoundedChannelFullMode.Wait, BlockingCollection.Add, DataflowBlock.SendAsync).");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.Channel is not null)
            {
                start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
            }

            if (types.BlockingCollection is not null || types.DataflowBlockOptions is not null)
            {
                start.RegisterOperationAction(c => AnalyzeCreation(c, types), OperationKind.ObjectCreation);
            }
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols types)
    {
        if (QueueSites.TryGetUnboundedChannel((IInvocationOperation)context.Operation, types, out var queue))
        {
            Report(context, queue, types);
        }
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, KnownSymbols types)
    {
        if (QueueSites.TryGetUnboundedCreation((IObjectCreationOperation)context.Operation, types, out var queue))
        {
            Report(context, queue, types);
        }
    }

    private static void Report(OperationAnalysisContext context, UnboundedQueue queue, KnownSymbols types)
    {
        var tree = queue.Creation.Syntax.SyntaxTree;
        if (QueueSites.HasBoundedProducer(queue, types)
            || Justification.IsMarked(queue.Creation.Syntax)
            || BoundedOptions.IsExcludedTestProject(context.Options.AnalyzerConfigOptionsProvider, tree, RuleIds.UnboundedQueue))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Rule, QueueSites.SquiggleLocation(queue.Creation), queue.DisplayName));
    }
}

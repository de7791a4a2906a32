using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

/// <summary>
/// BND4001: a channel, BlockingCollection or dataflow block created without a capacity. The diagnostic carries what
/// was recognised — <see cref="DiagnosticProperties.Kind"/> (a <c>QueueKind</c> name: <c>Channel</c>,
/// <c>BlockingCollection</c>, <c>DataflowBlock</c>) and <see cref="DiagnosticProperties.OptionsArgument"/> — so the fixer edits the
/// same queue without recognising it again.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedQueueAnalyzer : DiagnosticAnalyzer
{
    /// <summary>
    /// Property key: the parameter ordinal of the options argument that was read (<c>UnboundedChannelOptions</c> or the
    /// dataflow options); absent when the creation passes none.
    /// </summary>
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UnboundedQueue,
        title: "Unbounded queue",
        message: "'{0}' creates a queue with no capacity; when producers outrun consumers it grows until memory runs out: give it a capacity and make writers wait for room",
        RuleCategories.Queues,
        DiagnosticSeverity.Info,
        description: "An unbounded channel, BlockingCollection or dataflow block accepts every item at once, so a producer that is "
            + "faster than its consumer makes the queue, and the process, grow without limit. Give the queue a capacity and let "
            + "producers wait for room (BoundedChannelFullMode.Wait, BlockingCollection.Add, DataflowBlock.SendAsync).",
        enabledByDefault: false);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
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
            || QueueSites.IsConfiguredChoice(queue)
            || QueueSites.BacksATaskScheduler(queue, types)
            || Justification.IsMarked(queue.Creation.Syntax)
            || BoundedOptions.IsExcludedTestProject(context.Options.AnalyzerConfigOptionsProvider, tree, RuleIds.UnboundedQueue))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Rule, QueueSites.SquiggleLocation(queue.Creation), PropertiesOf(queue), queue.DisplayName));
    }

    private static ImmutableDictionary<string, string?> PropertiesOf(UnboundedQueue queue)
    {
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Kind, queue.Kind.ToString());
        return queue.Options?.Parameter is { } parameter
            ? properties.Add(DiagnosticProperties.OptionsArgument, parameter.Ordinal.ToString(CultureInfo.InvariantCulture))
            : properties;
    }

    /// <summary>
    /// The queue a diagnostic of this rule reported, read back from its properties for <paramref name="creation"/> (the
    /// creation the squiggle sits on). False when the properties are missing or do not fit the creation, as for a
    /// diagnostic from another version of the analyzer. <see cref="UnboundedQueue.DisplayName"/> is left empty: only the
    /// message uses it.
    /// </summary>
    internal static bool TryReadReported(Diagnostic diagnostic, IOperation creation, out UnboundedQueue queue)
    {
        queue = default;
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var kindName)
            || !Enum.TryParse(kindName, ignoreCase: false, out QueueKind kind))
        {
            return false;
        }

        ImmutableArray<IArgumentOperation> arguments;
        switch (creation)
        {
            case IInvocationOperation invocation when kind == QueueKind.Channel:
                arguments = invocation.Arguments;
                break;
            case IObjectCreationOperation objectCreation when kind is QueueKind.BlockingCollection or QueueKind.DataflowBlock:
                arguments = objectCreation.Arguments;
                break;
            default:
                return false;
        }

        IArgumentOperation? options = null;
        if (diagnostic.Properties.TryGetValue(DiagnosticProperties.OptionsArgument, out var ordinalText))
        {
            if (!int.TryParse(ordinalText, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
            {
                return false;
            }

            foreach (var argument in arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal)
                {
                    options = argument;
                }
            }

            if (options is null)
            {
                return false;
            }
        }

        queue = new UnboundedQueue(kind, creation, options, displayName: string.Empty);
        return true;
    }
}

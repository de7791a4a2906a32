using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Bounded.Analyzers.Concurrency;

/// <summary>BND1003: a dedicated OS thread per item — <c>new Thread(...)</c> or <c>TaskCreationOptions.LongRunning</c> in a loop.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThreadPerItemAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.ThreadPerItem,
        title: "Dedicated thread per item",
        message: "'{0}' creates a dedicated thread for every {1}; each reserves its own stack — use a bounded worker pool",
        RuleCategories.Concurrency,
        DiagnosticSeverity.Warning,
        description: "A new Thread, or a task started with TaskCreationOptions.LongRunning, gets its own OS thread with its own "
            + "reserved stack (1 MB by default). One per item of an unbounded input exhausts memory and the scheduler. "
            + "Use a fixed number of workers, or limit how many run at once.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.Thread is not null)
            {
                start.RegisterOperationAction(c => Analyze(c, types), OperationKind.ObjectCreation);
            }

            if (types.Task is not null && types.TaskCreationOptions is not null)
            {
                start.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation);
            }
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols types)
    {
        var start = WorkStarts.Recognize(context.Operation, types);
        if (!start.IsDedicatedThread)
        {
            return;
        }

        var repetition = Repetition.Find(start.Site, types);
        if (!repetition.Exists || !SpawnSites.IsUnbounded(start.Site, repetition, start.Work, RuleIds.ThreadPerItem, context.Options, types, context.CancellationToken))
        {
            return;
        }

        var where = SpawnSites.Where(repetition);
        var properties = DiagnosticProperties.ForWorkStart(start, repetition);
        context.ReportDiagnostic(Diagnostic.Create(Rule, SquiggleLocation(start), properties, start.DisplayName, where));
    }

    /// <summary><c>new Thread</c> up to the type; calls as BND1001 underlines them.</summary>
    private static Location SquiggleLocation(WorkStart start) => start.Site switch
    {
        IObjectCreationOperation { Syntax: ObjectCreationExpressionSyntax { Type: { } type } syntax } =>
            Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(syntax.SpanStart, type.Span.End)),
        IInvocationOperation invocation => UnboundedTaskSpawnAnalyzer.SquiggleLocation(invocation),
        _ => start.Site.Syntax.GetLocation(),
    };
}

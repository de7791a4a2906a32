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
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = WellKnownTypes.From(start.Compilation);
            if (types.Thread is not null)
            {
                start.RegisterOperationAction(c => AnalyzeThreadCreation(c, types), OperationKind.ObjectCreation);
            }

            if (types.Task is not null && types.TaskCreationOptions is not null)
            {
                start.RegisterOperationAction(c => AnalyzeLongRunning(c, types), OperationKind.Invocation);
            }
        });
    }

    private static void AnalyzeThreadCreation(OperationAnalysisContext context, WellKnownTypes types)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!SymbolEqualityComparer.Default.Equals(creation.Type, types.Thread))
        {
            return;
        }

        var work = creation.Arguments.Length > 0 ? creation.Arguments[0].Value : null;
        var location = creation.Syntax is ObjectCreationExpressionSyntax { Type: { } type }
            ? Location.Create(creation.Syntax.SyntaxTree, TextSpan.FromBounds(creation.Syntax.SpanStart, type.Span.End))
            : creation.Syntax.GetLocation();
        Report(context, creation, work, "new Thread", location, types);
    }

    private static void AnalyzeLongRunning(OperationAnalysisContext context, WellKnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        IOperation? work;
        string name;
        if (method.Name == "StartNew"
            && (method.IsMethodOf(types.TaskFactory, "StartNew") || method.IsMethodOf(types.GenericTaskFactory, "StartNew"))
            && UnboundedTaskSpawnAnalyzer.IsLongRunning(invocation, types))
        {
            work = invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null;
            name = "Task.Factory.StartNew(LongRunning)";
        }
        else if (method.Name == "Start"
            && !method.IsStatic
            && (method.IsMethodOf(types.Task, "Start") || method.IsMethodOf(types.GenericTask, "Start"))
            && invocation.Instance?.WithoutConversions() is IObjectCreationOperation task
            && UnboundedTaskSpawnAnalyzer.IsLongRunning(task, types))
        {
            work = task.Arguments.Length > 0 ? task.Arguments[0].Value : null;
            name = "Task.Start(LongRunning)";
        }
        else
        {
            return;
        }

        Report(context, invocation, work, name, UnboundedTaskSpawnAnalyzer.SquiggleLocation(invocation), types);
    }

    private static void Report(OperationAnalysisContext context, IOperation spawn, IOperation? work, string name, Location location, WellKnownTypes types)
    {
        var repetition = Repetition.Find(spawn, types);
        if (!repetition.Exists || !SpawnSites.IsUnbounded(spawn, repetition, work, RuleIds.ThreadPerItem, context.Options, types, context.CancellationToken))
        {
            return;
        }

        var where = repetition.Loop is not null ? "iteration of this loop" : "element passed to '" + repetition.PerElementCall!.TargetMethod.Name + "'";
        context.ReportDiagnostic(Diagnostic.Create(Rule, location, name, where));
    }
}

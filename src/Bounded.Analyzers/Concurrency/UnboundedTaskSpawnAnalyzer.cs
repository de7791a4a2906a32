using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Concurrency;

/// <summary>BND1001: Task.Run, StartNew, Task.Start or a thread-pool work item started once per item with no limit.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedTaskSpawnAnalyzer : DiagnosticAnalyzer
{
    public const string RepetitionProperty = "Repetition";
    public const string LoopRepetition = "Loop";
    public const string ElementRepetition = "Element";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UnboundedTaskSpawn,
        title: "Unbounded Task.Run per item",
        message: "'{0}' starts work for every {1} with no limit on how many run at once; throttle it",
        RuleCategories.Concurrency,
        DiagnosticSeverity.Warning,
        description: "Starting a task or thread-pool work item per item of an unbounded sequence lets the number of concurrent "
            + "work items, and the memory they hold, grow with the input. Gate the work with a SemaphoreSlim, "
            + "Parallel.ForEachAsync with MaxDegreeOfParallelism, or a bounded channel worker pool.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = WellKnownTypes.From(start.Compilation);
            if (types.Task is null)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, WellKnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!TrySpawnKind(invocation, types, out var displayName, out var work))
        {
            return;
        }

        var repetition = Repetition.Find(invocation, types);
        if (!repetition.Exists)
        {
            return;
        }

        if (!SpawnSites.IsUnbounded(invocation, repetition, work, RuleIds.UnboundedTaskSpawn, context.Options, types, context.CancellationToken))
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(
            RepetitionProperty,
            repetition.Loop is not null ? LoopRepetition : ElementRepetition);
        var where = repetition.Loop is not null ? "iteration of this loop" : "element passed to '" + repetition.PerElementCall!.TargetMethod.Name + "'";
        context.ReportDiagnostic(Diagnostic.Create(Rule, SquiggleLocation(invocation), properties, displayName, where));
    }

    /// <summary>Recognises the calls that start work, and the delegate (or Task) that is the work.</summary>
    internal static bool TrySpawnKind(IInvocationOperation invocation, WellKnownTypes types, out string displayName, out IOperation? work)
    {
        var method = invocation.TargetMethod;
        displayName = "";
        work = null;
        switch (method.Name)
        {
            case "Run" when method.IsStatic && method.IsMethodOf(types.Task, "Run"):
                displayName = "Task.Run";
                work = FirstArgument(invocation);
                return true;
            case "StartNew" when method.IsMethodOf(types.TaskFactory, "StartNew") || method.IsMethodOf(types.GenericTaskFactory, "StartNew"):
                if (IsLongRunning(invocation, types))
                {
                    return false; // a dedicated thread: BND1003
                }

                displayName = "Task.Factory.StartNew";
                work = FirstArgument(invocation);
                return true;
            case "Start" when !method.IsStatic && method.Parameters.Length <= 1
                && (method.IsMethodOf(types.Task, "Start") || method.IsMethodOf(types.GenericTask, "Start")):
                if (invocation.Instance?.WithoutConversions() is IObjectCreationOperation creation)
                {
                    if (IsLongRunning(creation, types))
                    {
                        return false;
                    }

                    work = creation.Arguments.Length > 0 ? creation.Arguments[0].Value : null;
                }

                displayName = "Task.Start";
                return true;
            case "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" when method.IsStatic
                && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.ThreadPool):
                displayName = "ThreadPool." + method.Name;
                work = FirstArgument(invocation);
                return true;
            default:
                return false;
        }
    }

    private static IOperation? FirstArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>Whether TaskCreationOptions.LongRunning is passed as a constant.</summary>
    internal static bool IsLongRunning(IOperation call, WellKnownTypes types)
    {
        var arguments = call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };

        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Type.IsType(types.TaskCreationOptions) == true
                && argument.Value.ConstantValue is { HasValue: true, Value: int flags }
                && (flags & 2) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>Task.Run</c> and <c>Task.Factory.StartNew</c> whole; only the name for calls on an instance (<c>task.Start()</c>).</summary>
    internal static Location SquiggleLocation(IInvocationOperation invocation)
    {
        if (invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
        {
            var onType = invocation.TargetMethod.IsStatic
                || invocation.Instance is IPropertyReferenceOperation { Property.IsStatic: true } or IFieldReferenceOperation { Field.IsStatic: true };
            return onType ? access.GetLocation() : access.Name.GetLocation();
        }

        return invocation.Syntax.GetLocation();
    }
}

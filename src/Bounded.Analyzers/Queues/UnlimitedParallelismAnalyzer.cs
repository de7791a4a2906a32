using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

/// <summary>
/// BND4002: <c>MaxDegreeOfParallelism = -1</c> for <c>Parallel.For/ForEach/Invoke</c> or a dataflow block,
/// <c>WithDegreeOfParallelism</c> set to the size of the input, and an async body handed to
/// <c>Parallel.For/ForEach/Invoke</c> (an <c>async void</c> delegate: any limit only paces how fast bodies start).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnlimitedParallelismAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UnlimitedParallelism,
        title: "Unlimited degree of parallelism",
        message: "'{0}' puts no limit on how many items {1} processes at once; {2}",
        RuleCategories.Queues,
        DiagnosticSeverity.Warning,
        description: "MaxDegreeOfParallelism = -1 (DataflowBlockOptions.Unbounded) lets Parallel.For/ForEach/Invoke and dataflow "
            + "blocks use as many threads or tasks as the scheduler allows, and PLINQ's WithDegreeOfParallelism set to the number "
            + "of items does the same. Under load the thread pool grows and memory with it. Use an explicit limit such as "
            + "Environment.ProcessorCount. Parallel.ForEachAsync and Parallel.ForAsync treat -1 as the processor count and are not reported. "
            + "An async lambda handed to Parallel.For/ForEach/Invoke is an async void delegate: each body returns at its first await, "
            + "so every item runs at once whatever MaxDegreeOfParallelism says, and an exception in one crashes the process; "
            + "Parallel.ForEachAsync awaits each body.");

    /// <summary>The <see cref="DiagnosticProperties.Kind"/> of an async body handed to a synchronous Parallel loop.</summary>
    public const string AsyncBody = "AsyncBody";

    private const string SetALimit = "set an explicit limit";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.ParallelOptions is not null || types.ExecutionDataflowBlockOptions is not null)
            {
                start.RegisterOperationAction(c => AnalyzeAssignment(c, types), OperationKind.SimpleAssignment);
            }

            if (types.ParallelEnumerable is not null || types.Parallel is not null)
            {
                start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
            }
        });
    }

    private static void AnalyzeAssignment(OperationAnalysisContext context, KnownSymbols types)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is not IPropertyReferenceOperation { Property: { Name: "MaxDegreeOfParallelism" } property } target
            || !QueueSites.IsMinusOne(assignment.Value))
        {
            return;
        }

        string consumer;
        var declaring = property.ContainingType?.OriginalDefinition;
        if (declaring.IsType(types.ExecutionDataflowBlockOptions))
        {
            consumer = "the dataflow block";
        }
        else if (declaring.IsType(types.ParallelOptions))
        {
            if (SynchronousParallelCall(target, types) is not { } call)
            {
                return;
            }

            consumer = "Parallel." + call.TargetMethod.Name;
        }
        else
        {
            return;
        }

        var value = assignment.Syntax is AssignmentExpressionSyntax written ? written.Right : assignment.Value.Syntax;
        Report(context, assignment.Syntax, assignment.Syntax.GetLocation(), "MaxDegreeOfParallelism = " + value, consumer, SetALimit);
    }

    /// <summary>
    /// The <c>Parallel.For</c>, <c>ForEach</c> or <c>Invoke</c> call the options reach: created in place as its argument, or
    /// held in a local of the same function that is passed to it.
    /// </summary>
    private static IInvocationOperation? SynchronousParallelCall(IPropertyReferenceOperation target, KnownSymbols types)
    {
        var instance = target.Instance;
        IOperation? options = null;
        ILocalSymbol? local = null;
        if (instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
        {
            // Inside an object initializer: the options are the creation around it.
            for (var current = target.Parent; current is not null; current = current.Parent)
            {
                if (current is IObjectCreationOperation creation)
                {
                    options = creation;
                    break;
                }

                if (current is not (IObjectOrCollectionInitializerOperation or ISimpleAssignmentOperation))
                {
                    return null;
                }
            }

            local = options is null ? null : QueueSites.StorageOf(options) as ILocalSymbol;
        }
        else if (instance?.WithoutConversions() is ILocalReferenceOperation reference)
        {
            local = reference.Local;
        }

        if (options is not null && local is null)
        {
            return AsParallelArgument(options, types);
        }

        if (local is null)
        {
            return null;
        }

        foreach (var operation in QueueSites.FunctionRoot(target).Descendants())
        {
            if (operation is ILocalReferenceOperation use
                && SymbolEqualityComparer.Default.Equals(use.Local, local)
                && AsParallelArgument(use, types) is { } call)
            {
                return call;
            }
        }

        return null;
    }

    private static IInvocationOperation? AsParallelArgument(IOperation value, KnownSymbols types)
    {
        var parent = value.ParentSkippingConversions();
        if (parent is IArgumentOperation { Parent: IInvocationOperation call }
            && call.TargetMethod.IsStatic
            && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, types.Parallel)
            && call.TargetMethod.Name is "For" or "ForEach" or "Invoke")
        {
            return call;
        }

        return null;
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.IsStatic && method.Name is "For" or "ForEach" or "Invoke" && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Parallel))
        {
            AnalyzeParallelBodies(context, invocation);
            return;
        }

        if (method.Name != "WithDegreeOfParallelism"
            || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.ParallelEnumerable)
            || invocation.Arguments.Length != 2)
        {
            return;
        }

        var degree = invocation.Arguments[1].Value;
        if (!IsInputSize(degree.WithoutConversions()))
        {
            return;
        }

        Report(context, degree.Syntax, degree.Syntax.GetLocation(), "WithDegreeOfParallelism(" + degree.Syntax + ")", "the query", SetALimit);
    }

    /// <summary>Each async body (lambda, anonymous method or async method group) handed to Parallel.For/ForEach/Invoke.</summary>
    private static void AnalyzeParallelBodies(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        var consumer = "Parallel." + invocation.TargetMethod.Name;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.ParamArray && argument.Value is IArrayCreationOperation { Initializer: { } elements })
            {
                foreach (var element in elements.ElementValues)
                {
                    ReportAsyncBody(context, element, consumer);
                }
            }
            else
            {
                ReportAsyncBody(context, argument.Value, consumer);
            }
        }
    }

    private static void ReportAsyncBody(OperationAnalysisContext context, IOperation value, string consumer)
    {
        if (value.WithoutConversions() is not IDelegateCreationOperation { Type: INamedTypeSymbol { DelegateInvokeMethod.ReturnsVoid: true } } creation)
        {
            return;
        }

        var advice = consumer switch
        {
            "Parallel.ForEach" => "use Parallel.ForEachAsync, which awaits each body",
            "Parallel.For" => "use Parallel.ForAsync or Parallel.ForEachAsync over the range, which await each body",
            _ => "start the bodies as tasks and await them together",
        };
        advice = "the async body returns at its first await, so any limit only paces how fast bodies start and an exception in one crashes the process; " + advice;

        switch (creation.Target)
        {
            case IAnonymousFunctionOperation { Symbol.IsAsync: true } function:
                var header = AsyncHeader(function.Syntax);
                Report(context, function.Syntax, Location.Create(function.Syntax.SyntaxTree, header), function.Syntax.SyntaxTree.GetText(context.CancellationToken).ToString(header), consumer, advice, AsyncBody);
                break;
            case IMethodReferenceOperation { Method.IsAsync: true } reference:
                Report(context, reference.Syntax, reference.Syntax.GetLocation(), reference.Method.Name, consumer, advice, AsyncBody);
                break;
        }
    }

    /// <summary><c>async item =&gt;</c> or <c>async delegate (Job job)</c>: the part that makes the body async void.</summary>
    private static Microsoft.CodeAnalysis.Text.TextSpan AsyncHeader(SyntaxNode function) => function switch
    {
        LambdaExpressionSyntax lambda => Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(lambda.SpanStart, lambda.ArrowToken.Span.End),
        AnonymousMethodExpressionSyntax method => Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(method.SpanStart, method.ParameterList?.Span.End ?? method.DelegateKeyword.Span.End),
        _ => function.Span,
    };

    /// <summary><c>items.Count</c>, <c>items.Length</c>, <c>items.Count()</c>: a degree that grows with the input.</summary>
    private static bool IsInputSize(IOperation value) =>
        value switch
        {
            IPropertyReferenceOperation { Property.Name: "Count" or "Length" or "LongLength" } => true,
            IInvocationOperation { TargetMethod.Name: "Count" or "LongCount", Arguments.Length: <= 1 } => true,
            _ => false,
        };

    private static void Report(OperationAnalysisContext context, SyntaxNode site, Location location, string text, string consumer, string advice, string? kind = null)
    {
        if (Justification.IsMarked(site)
            || BoundedOptions.IsExcludedTestProject(context.Options.AnalyzerConfigOptionsProvider, site.SyntaxTree, RuleIds.UnlimitedParallelism))
        {
            return;
        }

        var properties = kind is null ? null : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Kind, kind);
        context.ReportDiagnostic(Diagnostic.Create(Rule, location, properties, text, consumer, advice));
    }
}

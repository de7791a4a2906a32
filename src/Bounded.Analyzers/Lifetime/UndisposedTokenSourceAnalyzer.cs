using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Lifetime;

/// <summary>BND2003: a linked or timeout CancellationTokenSource held in a local and not disposed on every path.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndisposedTokenSourceAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UndisposedTokenSource,
        title: "Undisposed linked or timeout CancellationTokenSource",
        message: "'{0}' is a {1} CancellationTokenSource that is not disposed on every path; its {2} outlives the method: declare it with 'using' or dispose it in a finally block",
        RuleCategories.Lifetime,
        DiagnosticSeverity.Info,
        description: "A linked CancellationTokenSource registers a callback on each parent token, and a source with a timeout "
            + "holds a timer. Until the source is disposed, the registration keeps it (and everything it references) alive "
            + "for as long as the parent token lives, which for a long-lived token is a leak per call. Declare it with 'using'.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        Registration.RegisterOperations(context, Registration.HasTasksAndTokens, Analyze, OperationKind.Invocation, OperationKind.ObjectCreation);
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols types)
    {
        var operation = context.Operation;
        if (operation is IInvocationOperation { TargetMethod.Name: not "CreateLinkedTokenSource" })
        {
            return;
        }

        if (operation.Syntax.ContainsDiagnostics)
        {
            return; // half-typed
        }

        var use = TokenSources.Inspect(operation, types);
        if (use is null || use.UnderUsing || use.DisposedOnEveryPath || use.Escapes || (!use.Linked && !use.HasTimer)
            || IsOnceInEntryPoint(operation, context.ContainingSymbol))
        {
            return; // (a source created once by Main ends with the process)
        }

        var properties = use.Reassigned || use.TokenMayOutlive
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Fix, DiagnosticProperties.UsingFix);
        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            Location(operation),
            properties,
            use.Local.Name,
            use.Linked ? "linked" : "timeout",
            use.Linked ? "registration on the parent token" : "timer"));
    }

    /// <summary>Directly in <c>Main</c> or top-level statements, outside any loop, lambda or local function.</summary>
    private static bool IsOnceInEntryPoint(IOperation operation, ISymbol containing)
    {
        if (containing is not IMethodSymbol { IsStatic: true, Name: "Main" or "<Main>$" })
        {
            return false;
        }

        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }
        }

        return true;
    }

    public static Location Location(IOperation creation) =>
        creation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } ? access.GetLocation() : creation.Syntax.GetLocation();
}

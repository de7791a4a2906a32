using Bounded.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>
/// The named limit the concurrency fixes write, fitted to the work. Work that computes or blocks a thread gets
/// <c>bounded.max_concurrency</c>, else the processor count. Asynchronous work that awaits I/O spends its time
/// waiting, not on a core: the processor count would make an HTTP fan-out on a 2-core container 2 calls at a time,
/// so it gets <c>bounded.max_io_concurrency</c>, else <c>bounded.max_concurrency</c>, else the I/O option's default
/// (16: enough calls in flight to hide latency, few enough not to flood a remote service or pool).
/// </summary>
internal static class ConcurrencyLimit
{
    public static ExpressionSyntax Expression(Document document, SyntaxTree tree, string ruleId, bool ioBound)
    {
        var provider = document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider;
        var configured = ioBound
            ? OptionCatalog.MaxIoConcurrency.GetOptionalInteger(provider, tree, ruleId) ?? OptionCatalog.MaxConcurrency.GetOptionalInteger(provider, tree, ruleId) ?? OptionCatalog.MaxIoConcurrency.DefaultInteger
            : OptionCatalog.MaxConcurrency.GetOptionalInteger(provider, tree, ruleId);
        return configured is int value
            ? LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(value))
            : FixSyntax.QualifiedName("System.Environment.ProcessorCount");
    }

    /// <summary>Whether a work lambda is asynchronous (async, or returns an awaitable): its time goes to awaiting.</summary>
    public static bool IsAsynchronous(AnonymousFunctionExpressionSyntax work, SemanticModel model, System.Threading.CancellationToken cancellationToken) =>
        work.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword)
        || model.GetSymbolInfo(work, cancellationToken).Symbol is IMethodSymbol lambda && KnownSymbols.GetOrCreate(model.Compilation).IsAwaitable(lambda.ReturnType);

    /// <summary>
    /// <c>var maxConcurrency = …;</c> and <c>var throttle = new SemaphoreSlim(maxConcurrency);</c>. Never under
    /// <c>using</c>: a task started before the method ends early (a cancelled wait, a failing source or loop body)
    /// still releases or waits on it, and a disposed SemaphoreSlim throws ObjectDisposedException there. It holds
    /// no OS handle unless <c>AvailableWaitHandle</c> is used, so leaving it to the GC costs nothing.
    /// </summary>
    public static StatementSyntax[] Declarations(string limitName, ExpressionSyntax limit, string throttleName)
    {
        var limitDeclaration = Local(limitName, limit);
        var creation = ObjectCreationExpression(FixSyntax.QualifiedType("System.Threading.SemaphoreSlim"))
            .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(IdentifierName(limitName)))));
        var throttleDeclaration = Local(throttleName, creation);
        return new StatementSyntax[]
        {
            limitDeclaration.WithAdditionalAnnotations(Formatter.Annotation),
            throttleDeclaration.WithAdditionalAnnotations(Formatter.Annotation),
        };
    }

    public static LocalDeclarationStatementSyntax Local(string name, ExpressionSyntax value) =>
        LocalDeclarationStatement(
            VariableDeclaration(
                IdentifierName(Identifier(TriviaList(), SyntaxKind.VarKeyword, "var", "var", TriviaList())),
                SingletonSeparatedList(VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(value)))))
        .WithTrailingTrivia(ElasticCarriageReturnLineFeed);
}

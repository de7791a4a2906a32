using Bounded.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>The named limit the concurrency fixes write: <c>bounded.max_concurrency</c>, else the processor count.</summary>
internal static class ConcurrencyLimit
{
    public static ExpressionSyntax Expression(Document document, SyntaxTree tree, string ruleId)
    {
        var configured = OptionCatalog.MaxConcurrency.GetOptionalInteger(document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider, tree, ruleId);
        return configured is int value
            ? LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(value))
            : FixSyntax.QualifiedName("System.Environment.ProcessorCount");
    }

    /// <summary>
    /// <c>var maxConcurrency = …;</c> and <c>var throttle = new SemaphoreSlim(maxConcurrency);</c>. Never under
    /// <c>using</c>: a task started before the method ends early (a cancelled wait, a failing source or loop body)
    /// still releases or waits on it, and a disposed SemaphoreSlim throws ObjectDisposedException there. It holds
    /// no OS handle unless <c>AvailableWaitHandle</c> is used, so leaving it to the GC costs nothing.
    /// </summary>
    public static SyntaxNode[] Declarations(string limitName, ExpressionSyntax limit, string throttleName, StatementSyntax anchor)
    {
        var limitDeclaration = Local(limitName, limit);
        var creation = ObjectCreationExpression(FixSyntax.QualifiedType("System.Threading.SemaphoreSlim"))
            .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(IdentifierName(limitName)))));
        var throttleDeclaration = Local(throttleName, creation);

        var indentation = anchor.GetLeadingTrivia();
        return new SyntaxNode[]
        {
            limitDeclaration.WithLeadingTrivia(indentation).WithAdditionalAnnotations(Formatter.Annotation),
            throttleDeclaration.WithLeadingTrivia(indentation).WithAdditionalAnnotations(Formatter.Annotation),
        };
    }

    public static LocalDeclarationStatementSyntax Local(string name, ExpressionSyntax value) =>
        LocalDeclarationStatement(
            VariableDeclaration(
                IdentifierName(Identifier(TriviaList(), SyntaxKind.VarKeyword, "var", "var", TriviaList())),
                SingletonSeparatedList(VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(value)))))
        .WithTrailingTrivia(ElasticCarriageReturnLineFeed);
}

using Bounded.Analyzers;
using Bounded.CodeFixes.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>
/// BND4002's rewrite of an async body handed to <c>Parallel.ForEach</c>: <c>await Parallel.ForEachAsync(source[, options],
/// async (item, ct) =&gt; body)</c>. The same options (degree, token, scheduler) now limit running bodies, not starting
/// ones; the caller waits for every body, and a failure surfaces at the await instead of crashing the process.
/// </summary>
internal static class AsyncForEach
{
    public const string Title = "Use Parallel.ForEachAsync, which awaits each body";

    /// <summary>
    /// Only <c>Parallel.ForEach(source[, options], async item =&gt; …)</c> as a statement in an async function, over an
    /// <c>IEnumerable&lt;T&gt;</c> (not a partitioner), where every target has <c>Parallel.ForEachAsync</c>.
    /// </summary>
    public static PlannedFix? TryPlan(FixContext context, LambdaExpressionSyntax lambda)
    {
        var model = context.Model;
        var types = KnownSymbols.GetOrCreate(model.Compilation);
        if (lambda.Parent is not ArgumentSyntax { NameColon: null } bodyArgument
            || bodyArgument.Parent is not ArgumentListSyntax { Parent: InvocationExpressionSyntax { Parent: ExpressionStatementSyntax, Expression: MemberAccessExpressionSyntax access } invocation } arguments
            || arguments.Arguments.Count is not (2 or 3)
            || arguments.Arguments[arguments.Arguments.Count - 1] != bodyArgument
            || Parameters(lambda) is not { Count: 1 } parameters
            || !FixSyntax.CanAwaitAt(invocation)
            || model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol { Name: "ForEach" } method
            || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Parallel)
            || method.Parameters.Length != arguments.Arguments.Count
            || !IsSequence(method.Parameters[0].Type, types)
            || (arguments.Arguments.Count == 3 && !method.Parameters[1].Type.IsType(types.ParallelOptions))
            || !context.Targets.Everywhere(LoopRewrites.HasParallelForEachAsync))
        {
            return null;
        }

        return new PlannedFix(Title, UnlimitedParallelismCodeFixProvider.ExplicitLimitKey, () =>
        {
            var tokenName = context.Names.Allocate(lambda, "ct");
            var item = parameters[0];
            var token = item.Type is null
                ? Parameter(Identifier(tokenName))
                : Parameter(Identifier(tokenName)).WithType(FixSyntax.QualifiedType("System.Threading.CancellationToken").WithTrailingTrivia(Space));
            var rewritten = ParenthesizedLambdaExpression(
                    ParameterList(SeparatedList(new[] { item.WithoutTrivia(), token }, new[] { Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space) })),
                    lambda.Body)
                .WithAsyncKeyword(lambda.AsyncKeyword)
                .WithArrowToken(lambda.ArrowToken)
                .WithTriviaFrom(lambda);
            var call = invocation.ReplaceNodes(
                new SyntaxNode[] { lambda, access.Name },
                (original, _) => original == lambda ? rewritten : IdentifierName("ForEachAsync").WithTriviaFrom(access.Name));
            var awaited = AwaitExpression(call.WithoutLeadingTrivia()).WithTriviaFrom(invocation);
            return editor => editor.ReplaceNode(invocation, awaited);
        });
    }

    private static SeparatedSyntaxList<ParameterSyntax>? Parameters(LambdaExpressionSyntax lambda) => lambda switch
    {
        SimpleLambdaExpressionSyntax simple => SingletonSeparatedList(simple.Parameter),
        ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters,
        _ => null,
    };

    /// <summary>An <c>IEnumerable&lt;T&gt;</c> source; ForEachAsync has no overload for partitioners.</summary>
    private static bool IsSequence(ITypeSymbol source, KnownSymbols types) =>
        source is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, types.GenericEnumerable);
}

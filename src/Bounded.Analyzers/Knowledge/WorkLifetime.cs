using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.Analyzers;

/// <summary>
/// How long started work runs, read from syntax (so a method declared in another file of the compilation can be
/// judged too).
/// <list type="bullet">
/// <item><b>Long-running:</b> it holds a loop that waits (an <c>await</c> or <c>Thread.Sleep</c> in the loop, its
/// condition included) or an <c>await foreach</c>: a pump, a poller, a reader. It outlives the call that starts it.
/// A loop that only drains what is there, a counted loop and a <c>foreach</c> over a collection end by themselves.</item>
/// <item><b>Unstoppable:</b> long-running through a loop that runs forever (<c>while (true)</c>, <c>for (;;)</c>,
/// <c>do … while (true)</c>) with no <c>break</c>, <c>return</c> or <c>goto</c> out of it. A loop whose condition can
/// turn false (a flag another member clears, the end of a stream, a completed channel) has a way to stop.</item>
/// </list>
/// </summary>
internal static class WorkLifetime
{
    public static bool IsLongRunning(SyntaxNode body) => Find(body, unstoppableOnly: false);

    public static bool IsUnstoppable(SyntaxNode body) => Find(body, unstoppableOnly: true);

    /// <summary>Whether a declaration of <paramref name="method"/> (in any file of the compilation) is long-running, or unstoppable.</summary>
    public static bool IsLongRunning(IMethodSymbol method) => AnyDeclaration(method, unstoppableOnly: false);

    public static bool IsUnstoppable(IMethodSymbol method) => AnyDeclaration(method, unstoppableOnly: true);

    private static bool AnyDeclaration(IMethodSymbol method, bool unstoppableOnly)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (Find(reference.GetSyntax(), unstoppableOnly))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Find(SyntaxNode body, bool unstoppableOnly)
    {
        foreach (var node in body.DescendantNodes(descendIntoChildren: n => n == body || !IsNestedFunction(n)))
        {
            switch (node)
            {
                case ForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } when !unstoppableOnly:
                    return true;
                case WhileStatementSyntax loop when Waits(loop) && (!unstoppableOnly || (IsTrue(loop.Condition) && !Exits(loop.Statement))):
                case DoStatementSyntax doLoop when Waits(doLoop) && (!unstoppableOnly || (IsTrue(doLoop.Condition) && !Exits(doLoop.Statement))):
                case ForStatementSyntax { Condition: null } forLoop when Waits(forLoop) && (!unstoppableOnly || !Exits(forLoop.Statement)):
                    return true;
            }
        }

        return false;
    }

    private static bool IsTrue(ExpressionSyntax condition) => condition.IsKind(SyntaxKind.TrueLiteralExpression);

    /// <summary>An <c>await</c> (or <c>await foreach</c>) or a <c>Thread.Sleep</c> anywhere in the loop, nested functions aside.</summary>
    private static bool Waits(StatementSyntax loop)
    {
        foreach (var node in loop.DescendantNodes(descendIntoChildren: n => !IsNestedFunction(n)))
        {
            switch (node)
            {
                case AwaitExpressionSyntax:
                case ForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }:
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Sleep", Expression: IdentifierNameSyntax { Identifier.ValueText: "Thread" } } }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>A <c>break</c>, <c>return</c>, <c>yield break</c> or <c>goto</c> in the body (even one that leaves only an inner loop: when unsure, the loop can stop).</summary>
    private static bool Exits(StatementSyntax body)
    {
        foreach (var node in body.DescendantNodesAndSelf(descendIntoChildren: n => !IsNestedFunction(n)))
        {
            if (node is BreakStatementSyntax or ReturnStatementSyntax or GotoStatementSyntax
                || node.IsKind(SyntaxKind.YieldBreakStatement))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNestedFunction(SyntaxNode node) => node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Lifetime;

/// <summary>BND2002's checks: a loop with no exit condition, in background work, that waits and never looks at a token.</summary>
internal static class EndlessLoops
{
    /// <summary>The loop keyword (<c>while</c>, <c>do</c>, <c>for</c>), where the diagnostic goes.</summary>
    public static SyntaxToken Keyword(SyntaxNode loop) => loop switch
    {
        WhileStatementSyntax w => w.WhileKeyword,
        DoStatementSyntax d => d.DoKeyword,
        ForStatementSyntax f => f.ForKeyword,
        _ => default,
    };

    /// <summary><c>while (true)</c>, <c>do … while (true)</c>, <c>for (;;)</c>, or a loop on a private field nothing sets after construction.</summary>
    public static bool HasNoExitCondition(ILoopOperation loop)
    {
        IOperation? condition;
        switch (loop)
        {
            case IWhileLoopOperation { Syntax: WhileStatementSyntax or DoStatementSyntax } whileLoop:
                condition = whileLoop.Condition;
                break;
            case IForLoopOperation { Syntax: ForStatementSyntax } forLoop:
                condition = forLoop.Condition;
                if (condition is null)
                {
                    return true;
                }

                break;
            default:
                return false;
        }

        if (condition is null)
        {
            return false;
        }

        condition = condition.WithoutConversions();
        if (condition.ConstantValue is { HasValue: true, Value: true })
        {
            return true;
        }

        if (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            condition = not.Operand.WithoutConversions();
        }

        return condition is IFieldReferenceOperation { Field: { DeclaredAccessibility: Accessibility.Private, IsConst: false } field } reference
            && reference.Instance is null or IInstanceReferenceOperation
            && !IsSetAfterConstruction(field);
    }

    /// <summary>Whether anything outside constructors and initialisers assigns the field (by name; a same-named local counts too, which only errs towards silence).</summary>
    private static bool IsSetAfterConstruction(IFieldSymbol field)
    {
        var name = field.Name;
        foreach (var declaration in field.ContainingType.DeclaringSyntaxReferences)
        {
            foreach (var node in declaration.GetSyntax().DescendantNodes())
            {
                if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != name)
                {
                    continue;
                }

                SyntaxNode target = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
                var written = target.Parent switch
                {
                    AssignmentExpressionSyntax assignment => assignment.Left == target,
                    ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                    PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
                    PostfixUnaryExpressionSyntax => true,
                    _ => false,
                };

                if (written && !OperationHelpers.IsInsideOwn<ConstructorDeclarationSyntax>(target))
                {
                    return true;
                }
            }
        }

        return false;
    }


    /// <summary>An async function, or the delegate handed to <c>Task.Run</c>/<c>StartNew</c>.</summary>
    public static bool RunsInBackground(ILoopOperation loop, ISymbol containingSymbol, KnownSymbols types)
    {
        switch (loop.EnclosingFunction())
        {
            case IAnonymousFunctionOperation lambda:
                if (lambda.Symbol.IsAsync)
                {
                    return true;
                }

                return lambda.ParentSkippingConversions() is IArgumentOperation { Parent: IInvocationOperation spawn }
                    && WorkStarts.Recognize(spawn, types).IsTaskSpawn;
            case ILocalFunctionOperation local:
                return local.Symbol.IsAsync;
            default:
                return containingSymbol is IMethodSymbol { IsAsync: true };
        }
    }

    /// <summary>The loop waits: an <c>await</c>, an <c>await foreach</c>, or a <c>Thread.Sleep</c>, in its own body (nested functions aside).</summary>
    public static bool Waits(ILoopOperation loop, KnownSymbols types)
    {
        foreach (var operation in OwnDescendants(loop))
        {
            if (operation is IAwaitOperation or IForEachLoopOperation { IsAsynchronous: true }
                || (operation is IInvocationOperation { TargetMethod: { Name: "Sleep", IsStatic: true } sleep } && SymbolEqualityComparer.Default.Equals(sleep.ContainingType, types.Thread)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A <c>break</c> that leaves this loop, a <c>return</c>, <c>goto</c> or <c>yield</c> in it (an iterator's consumer decides when it stops).</summary>
    public static bool CanLeave(SyntaxNode loop)
    {
        foreach (var node in loop.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            switch (node)
            {
                case ReturnStatementSyntax:
                case YieldStatementSyntax:
                case GotoStatementSyntax:
                    return true;
                case BreakStatementSyntax @break when BreakTarget(@break) == loop:
                    return true;
            }
        }

        return false;
    }

    private static SyntaxNode? BreakTarget(SyntaxNode node)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax or SwitchStatementSyntax)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>Descendants of the operation, not entering lambdas or local functions.</summary>
    public static System.Collections.Generic.IEnumerable<IOperation> OwnDescendants(IOperation root)
    {
        var stack = new System.Collections.Generic.Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            foreach (var child in current.ChildOperations)
            {
                if (child is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    continue;
                }

                yield return child;
                stack.Push(child);
            }
        }
    }
}

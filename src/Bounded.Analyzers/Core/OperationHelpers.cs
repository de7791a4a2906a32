using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

internal static class OperationHelpers
{
    /// <summary>
    /// Whether <paramref name="node"/> sits inside a <typeparamref name="T"/> (a <c>finally</c>, a <c>lock</c>, a
    /// constructor) of its own function: lambdas, local functions and other members end the search.
    /// </summary>
    public static bool IsInsideOwn<T>(SyntaxNode node)
        where T : SyntaxNode
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is T)
            {
                return true;
            }

            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Strips implicit and explicit conversions and parentheses.</summary>
    public static IOperation WithoutConversions(this IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>The lambda behind a delegate argument, if it is one written in place.</summary>
    public static IAnonymousFunctionOperation? AsLambda(this IOperation? operation)
    {
        while (operation is not null)
        {
            switch (operation)
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda;
                case IDelegateCreationOperation creation:
                    operation = creation.Target;
                    break;
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Walks up past conversions and parentheses.</summary>
    public static IOperation? ParentSkippingConversions(this IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation or IDelegateCreationOperation)
        {
            parent = parent.Parent;
        }

        return parent;
    }

    public static bool IsType(this ITypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

    public static bool IsMethodOf(this IMethodSymbol method, INamedTypeSymbol? type, string name) =>
        type is not null && method.Name == name && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type);

    /// <summary>Whether the tree holds code the compiler could not bind (an unresolved name, call, or a value of an unresolved type): what it does is unknown.</summary>
    public static bool ContainsInvalidCode(this IOperation root)
    {
        var pending = new System.Collections.Generic.Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            if (operation.Kind == OperationKind.Invalid || operation.Type is { TypeKind: TypeKind.Error })
            {
                return true;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return false;
    }

    /// <summary>The lambda, local function or member whose body holds the operation.</summary>
    public static IOperation? EnclosingFunction(this IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyOperation or IConstructorBodyOperation)
            {
                return current;
            }

            if (current.Parent is null)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>The called method's name (<c>Release</c> of <c>gate.Release()</c>, <c>Foo</c> of <c>Foo(x)</c>), else the whole call.</summary>
    public static Location CallNameLocation(SyntaxNode call) => call switch
    {
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.GetLocation(),
        InvocationExpressionSyntax { Expression: IdentifierNameSyntax name } => name.GetLocation(),
        _ => call.GetLocation(),
    };

    /// <summary>The name of the method a call invokes (<c>ReadAsync</c> for <c>stream.ReadAsync(...)</c>), else the text.</summary>
    public static string ShortName(SyntaxNode node)
    {
        var expression = node is AwaitExpressionSyntax await ? await.Expression : node;
        while (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var inner } })
        {
            expression = inner;
        }

        switch (expression)
        {
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }:
                return access.Name.Identifier.ValueText;
            case InvocationExpressionSyntax { Expression: SimpleNameSyntax simple }:
                return simple.Identifier.ValueText;
            case ObjectCreationExpressionSyntax creation:
                return "new " + creation.Type;
            case ThrowStatementSyntax or ThrowExpressionSyntax:
                return "throw";
            default:
                var text = expression.ToString();
                return text.Length > 40 ? text.Substring(0, 40) + "…" : text;
        }
    }
}

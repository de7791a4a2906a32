using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

internal static class OperationHelpers
{
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

    /// <summary>Whether the function the operation runs in is <c>async</c>.</summary>
    public static IMethodSymbol? EnclosingMethodSymbol(this IOperation operation, ISymbol containingSymbol)
    {
        switch (operation.EnclosingFunction())
        {
            case IAnonymousFunctionOperation lambda:
                return lambda.Symbol;
            case ILocalFunctionOperation local:
                return local.Symbol;
            default:
                return containingSymbol as IMethodSymbol;
        }
    }
}

using System;
using Bounded.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Bounded.CodeFixes.Lifetime;

/// <summary>The fix of last resort for the BND2xxx rules when no token is in scope: give the enclosing method one.</summary>
internal static class NewTokenParameter
{
    /// <summary>
    /// Adds <c>CancellationToken cancellationToken = default</c> to the method that encloses <paramref name="site"/>,
    /// and lets <paramref name="useToken"/> use it. A signature change: offered one site at a time, never in FixAll.
    /// Not for overrides, interface implementations, event handlers, methods used as delegates in this file,
    /// <c>params</c> methods, whose signature is not theirs to change, nor in request code, where the framework would
    /// bind the new parameter to the request's token.
    /// </summary>
    public static PlannedFix? TryPlan(FixContext context, SyntaxNode site, Func<IMethodSymbol, string> title, string key, Action<SyntaxEditor, string> useToken)
    {
        MethodDeclarationSyntax? declaration = null;
        for (var current = site.Parent; current is not null; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax lambda && lambda.Modifiers.Any(SyntaxKind.StaticKeyword)
                || current is LocalFunctionStatementSyntax local && local.Modifiers.Any(SyntaxKind.StaticKeyword))
            {
                return null;
            }

            if (current is MethodDeclarationSyntax method)
            {
                declaration = method;
                break;
            }

            if (current is MemberDeclarationSyntax)
            {
                return null;
            }
        }

        if (declaration is null || declaration.Body is null && declaration.ExpressionBody is null
            || context.Model.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } symbol
            || !CanAddParameter(symbol, declaration, context.Root, KnownSymbols.GetOrCreate(context.Model.Compilation))
            || RequestScope.IsInRequestCode(context.Model, site, KnownSymbols.GetOrCreate(context.Model.Compilation), context.CancellationToken))
        {
            return null;
        }

        var name = context.Names.Allocate(declaration, "cancellationToken");
        var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(name))
            .WithType(FixSyntax.QualifiedType("System.Threading.CancellationToken").WithTrailingTrivia(SyntaxFactory.Space))
            .WithDefault(SyntaxFactory.EqualsValueClause(SyntaxFactory.LiteralExpression(SyntaxKind.DefaultLiteralExpression)));
        return new PlannedFix(
            title(symbol),
            key,
            editor =>
            {
                useToken(editor, name);
                editor.ReplaceNode(declaration.ParameterList, (current, _) => ((ParameterListSyntax)current).AddParameters(parameter));
            })
        {
            ExcludeFromFixAll = true,
        };
    }

    private static bool CanAddParameter(IMethodSymbol method, MethodDeclarationSyntax declaration, SyntaxNode root, KnownSymbols types)
    {
        if (method.IsOverride || method.IsAbstract || method.IsVirtual || method.IsExtern || method.PartialDefinitionPart is not null || method.PartialImplementationPart is not null
            || !method.ExplicitInterfaceImplementations.IsEmpty || method.Name == "Main")
        {
            return false;
        }

        var parameters = method.Parameters;
        if (parameters.Length > 0 && parameters[parameters.Length - 1].IsParams)
        {
            return false;
        }

        if (parameters.Length == 2 && parameters[0].Type.SpecialType == SpecialType.System_Object && KnownSymbols.InheritsFrom(parameters[1].Type, types.EventArgs))
        {
            return false;
        }

        var type = method.ContainingType;
        foreach (var @interface in type.AllInterfaces)
        {
            foreach (var member in @interface.GetMembers(method.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                {
                    return false;
                }
            }
        }

        // A method group use (a delegate or event subscription) would stop compiling with a new parameter.
        foreach (var identifier in root.DescendantNodes())
        {
            if (identifier is IdentifierNameSyntax name && name.Identifier.ValueText == method.Name && !IsInvoked(name) && !declaration.Span.Contains(name.Span))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsInvoked(IdentifierNameSyntax name)
    {
        SyntaxNode expression = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        return expression.Parent is InvocationExpressionSyntax invocation && invocation.Expression == expression;
    }
}

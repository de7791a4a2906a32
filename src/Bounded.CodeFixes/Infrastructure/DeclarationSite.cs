using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Bounded.CodeFixes;

/// <summary>
/// Where a fix declares the locals a site needs (a limit, a semaphore): before the statement that holds the site, or,
/// in an expression-bodied method or local function, in the block body the fix turns the arrow into
/// (<c>=&gt; expr;</c> becomes <c>{ declarations; return expr; }</c>, or <c>expr;</c> when nothing is returned).
/// </summary>
internal sealed class DeclarationSite
{
    private readonly StatementSyntax? _statement;
    private readonly SyntaxNode? _member;
    private readonly bool _returns;

    private DeclarationSite(SyntaxNode anchor, StatementSyntax? statement, SyntaxNode? member, bool returns)
    {
        Anchor = anchor;
        _statement = statement;
        _member = member;
        _returns = returns;
    }

    /// <summary>A node at the site's position, for name lookups.</summary>
    public SyntaxNode Anchor { get; }

    /// <summary>Before <paramref name="statement"/>, which sits in a block.</summary>
    public static DeclarationSite Before(StatementSyntax statement) => new(statement, statement, null, returns: false);

    public static DeclarationSite? Find(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        if (FixSyntax.StatementInBlock(node) is { } statement)
        {
            return Before(statement);
        }

        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax)
            {
                return null;
            }

            if (current is ArrowExpressionClauseSyntax { Parent: MethodDeclarationSyntax or LocalFunctionStatementSyntax } arrow
                && model.GetDeclaredSymbol(arrow.Parent!, cancellationToken) is IMethodSymbol method)
            {
                var statementOnly = method.ReturnsVoid
                    || (method.IsAsync && method.ReturnType is INamedTypeSymbol { IsGenericType: false, Name: "Task" or "ValueTask" });
                return new DeclarationSite(arrow.Expression, null, arrow.Parent, returns: !statementOnly);
            }

            if (current is StatementSyntax or MemberDeclarationSyntax)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Registers the declarations. Call it after the fix's edits inside the site, so an arrow body is converted with
    /// them in place.
    /// </summary>
    public void InsertBefore(SyntaxEditor editor, IReadOnlyList<StatementSyntax> declarations)
    {
        if (_statement is not null)
        {
            var indented = new List<SyntaxNode>(declarations.Count);
            foreach (var declaration in declarations)
            {
                indented.Add(declaration.WithLeadingTrivia(_statement.GetLeadingTrivia()));
            }

            editor.InsertBefore(_statement, indented);
            return;
        }

        editor.ReplaceNode(_member!, (current, _) =>
        {
            var arrow = current switch
            {
                MethodDeclarationSyntax method => method.ExpressionBody,
                LocalFunctionStatementSyntax local => local.ExpressionBody,
                _ => null,
            };
            if (arrow is null)
            {
                return current;
            }

            var expression = arrow.Expression.WithoutTrivia();
            StatementSyntax last = _returns ? SyntaxFactory.ReturnStatement(expression) : SyntaxFactory.ExpressionStatement(expression);
            var statements = new List<StatementSyntax>(declarations.Count + 1);
            foreach (var declaration in declarations)
            {
                statements.Add(declaration.WithoutLeadingTrivia());
            }

            statements.Add(last);
            var body = FixSyntax.MultiLineBlock(statements.ToArray());
            SyntaxNode converted = current switch
            {
                MethodDeclarationSyntax method => method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(body),
                LocalFunctionStatementSyntax local => local.WithExpressionBody(null).WithSemicolonToken(default).WithBody(body),
                _ => current,
            };
            return converted.Formatted();
        });
    }
}

using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Lifetime;

/// <summary>
/// BND2003: declare the source with <c>using</c>, so it is disposed when its scope ends. Offered only when every use of the
/// source and its token ends inside the method (awaited calls, synchronous calls and checks), the local is not assigned
/// again, and the declaration sits directly in a block.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UndisposedTokenSourceCodeFixProvider)), Shared]
public sealed class UndisposedTokenSourceCodeFixProvider : BoundedCodeFixProvider
{
    public const string UsingKey = "Bounded." + RuleIds.UndisposedTokenSource;

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UndisposedTokenSource);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        SyntaxNode? creationSyntax = node.FirstAncestorOrSelf<SyntaxNode>(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax);
        if (creationSyntax is null || context.Model.GetOperation(creationSyntax, context.CancellationToken) is not { } creation)
        {
            return;
        }

        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.UsingFix
            || creationSyntax.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration } }
            || declaration.Parent is not LocalDeclarationStatementSyntax statement
            || !statement.UsingKeyword.IsKind(SyntaxKind.None)
            || statement.IsConst)
        {
            return;
        }

        var name = declaration.Variables[0].Identifier.ValueText;
        if (statement.Parent is BlockSyntax && context.Targets.SupportUsingDeclarations)
        {
            fixes.Add(new PlannedFix("Declare '" + name + "' with 'using'", UsingKey, editor => editor.ReplaceNode(statement, (current, _) => AsUsingDeclaration((LocalDeclarationStatementSyntax)current))));
        }
        else if (statement.Parent is BlockSyntax or SwitchSectionSyntax && UsingStatementRange(Statements(statement.Parent), statement, name) is not null)
        {
            // A using declaration is not allowed here (a switch section, or C# before 8): a using statement that ends after the last use.
            var parent = statement.Parent;
            fixes.Add(new PlannedFix("Wrap '" + name + "' in a 'using' statement", UsingKey, editor => editor.ReplaceNode(parent, (current, _) => WrapInUsing(current, name))));
        }
    }

    private static LocalDeclarationStatementSyntax AsUsingDeclaration(LocalDeclarationStatementSyntax local)
    {
        var usingKeyword = SyntaxFactory.Token(SyntaxKind.UsingKeyword)
            .WithLeadingTrivia(local.GetLeadingTrivia())
            .WithTrailingTrivia(SyntaxFactory.Space);
        return local.WithoutLeadingTrivia().WithUsingKeyword(usingKeyword);
    }

    private static SyntaxList<StatementSyntax> Statements(SyntaxNode parent) => parent switch
    {
        BlockSyntax block => block.Statements,
        SwitchSectionSyntax section => section.Statements,
        _ => default,
    };

    /// <summary>
    /// The statements after the declaration up to the last one that mentions the local, or null when they cannot move
    /// into a block: a label or goto among them, or a local they declare that is used after them.
    /// </summary>
    private static (int Start, int End)? UsingStatementRange(SyntaxList<StatementSyntax> statements, StatementSyntax declaration, string name)
    {
        var start = -1;
        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i] is LocalDeclarationStatementSyntax local && local.Declaration.Variables.Count == 1
                && local.Declaration.Variables[0].Identifier.ValueText == name
                && (statements[i] == declaration || local.Declaration.Variables[0].IsEquivalentTo(((LocalDeclarationStatementSyntax)declaration).Declaration.Variables[0])))
            {
                start = i;
                break;
            }
        }

        if (start < 0)
        {
            return null;
        }

        var end = start;
        for (var i = start + 1; i < statements.Count; i++)
        {
            if (Mentions(statements[i], name))
            {
                end = i;
            }
        }

        var declared = new HashSet<string>();
        for (var i = start + 1; i <= end; i++)
        {
            foreach (var node in statements[i].DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case LabeledStatementSyntax or GotoStatementSyntax or LocalFunctionStatementSyntax:
                        return null;
                    case VariableDeclaratorSyntax variable:
                        declared.Add(variable.Identifier.ValueText);
                        break;
                    case SingleVariableDesignationSyntax designation:
                        declared.Add(designation.Identifier.ValueText);
                        break;
                }
            }
        }

        for (var i = end + 1; i < statements.Count; i++)
        {
            foreach (var declaredName in declared)
            {
                if (Mentions(statements[i], declaredName))
                {
                    return null;
                }
            }
        }

        return (start, end);
    }

    private static bool Mentions(SyntaxNode node, string name)
    {
        foreach (var descendant in node.DescendantNodesAndSelf())
        {
            if (descendant is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Rewrites the current parent: the declaration and the statements through its last use become a using statement.</summary>
    private static SyntaxNode WrapInUsing(SyntaxNode parent, string name)
    {
        var statements = Statements(parent);
        var declaration = FindDeclaration(statements, name);
        if (declaration is null || UsingStatementRange(statements, declaration, name) is not { } range)
        {
            return parent;
        }

        var body = new StatementSyntax[range.End - range.Start];
        for (var i = range.Start + 1; i <= range.End; i++)
        {
            body[i - range.Start - 1] = statements[i];
        }

        var usingStatement = SyntaxFactory.UsingStatement(
                declaration.Declaration.WithoutTrivia(),
                null,
                FixSyntax.MultiLineBlock(body))
            .WithLeadingTrivia(declaration.GetLeadingTrivia())
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
            .Formatted();

        var list = new List<StatementSyntax>();
        for (var i = 0; i < statements.Count; i++)
        {
            if (i == range.Start)
            {
                list.Add(usingStatement);
            }
            else if (i < range.Start || i > range.End)
            {
                list.Add(statements[i]);
            }
        }

        return parent switch
        {
            BlockSyntax block => block.WithStatements(SyntaxFactory.List(list)),
            SwitchSectionSyntax section => section.WithStatements(SyntaxFactory.List(list)),
            _ => parent,
        };
    }

    private static LocalDeclarationStatementSyntax? FindDeclaration(SyntaxList<StatementSyntax> statements, string name)
    {
        foreach (var statement in statements)
        {
            if (statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, Declaration.Variables: { Count: 1 } variables } local
                && variables[0].Identifier.ValueText == name)
            {
                return local;
            }
        }

        return null;
    }
}

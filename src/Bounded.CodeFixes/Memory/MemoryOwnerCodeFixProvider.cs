using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.CodeFixes.Memory;

/// <summary>
/// BND3005: declare the rented owner with <c>using</c> (C# 8) and drop its explicit <c>Dispose()</c> statements; the
/// language then disposes it when its block ends, on every path.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MemoryOwnerCodeFixProvider)), Shared]
public sealed class MemoryOwnerCodeFixProvider : BoundedCodeFixProvider
{
    public const string UsingKey = "Bounded." + RuleIds.MemoryOwnerNotDisposed;

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.MemoryOwnerNotDisposed);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        if (!context.Targets.SupportUsingDeclarations
            || context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax rent
            || rent.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax { Parent: BlockSyntax } declaration } } variable }
            || declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
            || context.Model.GetDeclaredSymbol(variable, context.CancellationToken) is not ILocalSymbol owner
            || DisposeStatements(declaration, owner, context) is not { } disposals)
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Declare the owner with using",
            UsingKey,
            editor =>
            {
                foreach (var disposal in disposals)
                {
                    editor.RemoveNode(disposal, SyntaxRemoveOptions.KeepNoTrivia);
                }

                editor.ReplaceNode(declaration, (current, _) =>
                {
                    var local = (LocalDeclarationStatementSyntax)current;
                    return local.WithoutLeadingTrivia()
                        .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                        .WithLeadingTrivia(local.GetLeadingTrivia());
                });
            }));
    }

    /// <summary>
    /// The owner's <c>Dispose()</c> statements (plain or <c>?.</c>) in the declaring block, which the <c>using</c>
    /// replaces; null when one sits in a <c>finally</c> or is not a statement of its own (no fix: the rewrite would
    /// change what the finally does).
    /// </summary>
    private static List<StatementSyntax>? DisposeStatements(LocalDeclarationStatementSyntax declaration, ILocalSymbol owner, FixContext context)
    {
        var statements = new List<StatementSyntax>();
        foreach (var node in declaration.Parent!.DescendantNodes())
        {
            if (node is not IdentifierNameSyntax name || name.Identifier.ValueText != owner.Name
                || !SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol, owner)
                || !IsDisposeOf(name, out var statement))
            {
                continue;
            }

            if (statement is null || statement.Parent is not BlockSyntax { Parent: not FinallyClauseSyntax })
            {
                return null;
            }

            statements.Add(statement);
        }

        return statements;
    }

    private static bool IsDisposeOf(IdentifierNameSyntax name, out StatementSyntax? statement)
    {
        statement = null;
        InvocationExpressionSyntax? call = name.Parent switch
        {
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose", Parent: InvocationExpressionSyntax invocation } access when access.Expression == name => invocation,
            ConditionalAccessExpressionSyntax { WhenNotNull: InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Dispose" } } } access when access.Expression == name => (InvocationExpressionSyntax)access.WhenNotNull,
            _ => null,
        };
        if (call is null)
        {
            return false;
        }

        var top = call.Parent is ConditionalAccessExpressionSyntax conditional ? (SyntaxNode)conditional : call;
        statement = top.Parent as ExpressionStatementSyntax;
        return true;
    }
}

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
    public const string UsingKey = "Bounded." + RuleIds.UndisposedTokenSource + ".Using";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UndisposedTokenSource);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        SyntaxNode? creationSyntax = node.FirstAncestorOrSelf<SyntaxNode>(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax);
        if (creationSyntax is null || context.Model.GetOperation(creationSyntax, context.CancellationToken) is not { } creation)
        {
            return;
        }

        var types = LifetimeTypes.From(context.Model.Compilation);
        var use = TokenSources.Inspect(creation, types);
        if (use is null || use.UnderUsing || use.Escapes || use.Reassigned || use.TokenMayOutlive
            || creationSyntax.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration } }
            || declaration.Parent is not LocalDeclarationStatementSyntax statement
            || statement.Parent is not BlockSyntax
            || !statement.UsingKeyword.IsKind(SyntaxKind.None)
            || statement.IsConst
            || !FixSyntax.SupportsUsingDeclarations(statement))
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Declare '" + use.Local.Name + "' with 'using'",
            UsingKey,
            editor => editor.ReplaceNode(statement, (current, _) =>
            {
                var local = (LocalDeclarationStatementSyntax)current;
                var usingKeyword = SyntaxFactory.Token(SyntaxKind.UsingKeyword)
                    .WithLeadingTrivia(local.GetLeadingTrivia())
                    .WithTrailingTrivia(SyntaxFactory.Space);
                return local.WithoutLeadingTrivia().WithUsingKeyword(usingKeyword);
            })));
    }
}

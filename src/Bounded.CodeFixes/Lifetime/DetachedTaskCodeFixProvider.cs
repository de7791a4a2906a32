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
/// BND2001: pass the token in scope to the detached work (the Task.Run/StartNew/Task argument and the calls inside the
/// lambda that take one, or the discarded call itself); with no token in scope, add an optional token parameter.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DetachedTaskCodeFixProvider)), Shared]
public sealed class DetachedTaskCodeFixProvider : BoundedCodeFixProvider
{
    /// <summary>The fix when exactly one token is in scope; with several, each gets this key plus the token's name.</summary>
    public const string PassTokenKey = "Bounded." + RuleIds.DetachedTaskWithoutToken;

    /// <summary>No token in scope: add <c>CancellationToken cancellationToken = default</c> to the method (not in FixAll).</summary>
    public const string AddParameterKey = "Bounded." + RuleIds.DetachedTaskWithoutToken + ".AddParameter";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.DetachedTaskWithoutToken);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var reported)
            || !System.Enum.TryParse<DetachedKind>(reported, out var kind)
            || kind == DetachedKind.None
            || node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocationSyntax
            || context.Model.GetOperation(invocationSyntax, context.CancellationToken) is not IInvocationOperation call)
        {
            return;
        }

        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        var slots = new List<TokenSlot>();
        CollectSlots(kind, call, types, slots);
        TokenForwarding.KeepThoseEveryTargetHas(slots, context.Targets);
        if (slots.Count == 0)
        {
            return;
        }

        var longRunning = diagnostic.Properties.ContainsKey(DiagnosticProperties.LongRunning);
        var candidates = TokenDiscovery.ForWork(context.Model, call.Syntax, longRunning, context.CancellationToken);
        if (candidates.IsEmpty)
        {
            PlanNewParameter(context, call, slots, fixes);
            return;
        }

        TokenForwarding.AddPerCandidate(
            candidates,
            PassTokenKey,
            token => "Pass '" + token + "' to the detached work",
            (editor, token) =>
            {
                foreach (var slot in slots)
                {
                    TokenForwarding.Apply(editor, slot, token);
                }
            },
            fixes);
    }

    /// <summary>The start call's own token slot, plus (for a lambda) the calls inside it that take one.</summary>
    private static void CollectSlots(DetachedKind kind, IInvocationOperation call, KnownSymbols types, List<TokenSlot> slots)
    {
        if (kind == DetachedKind.Call)
        {
            if (TokenForwarding.SlotFor(call, types) is { } own)
            {
                slots.Add(own);
            }

            return;
        }

        IOperation starter = call;
        IOperation? work = null;
        if (kind == DetachedKind.Start && call.Instance?.WithoutConversions() is IObjectCreationOperation creation)
        {
            starter = creation;
            work = creation.Arguments.Length > 0 ? creation.Arguments[0].Value : null;
        }
        else
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter?.Ordinal == 0)
                {
                    work = argument.Value;
                }
            }
        }

        // Task.Run(work) and StartNew(work[, state]) and new Task(work[, state]) all have an overload with a trailing token.
        var explicitArguments = 0;
        foreach (var argument in starter is IInvocationOperation i ? i.Arguments : ((IObjectCreationOperation)starter).Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                explicitArguments++;
            }
        }

        if (TokenForwarding.SlotFor(starter, types) is { } outer && (outer.Replaces is not null || explicitArguments <= 2))
        {
            slots.Add(outer);
        }

        if (work.AsLambda() is { } lambda && !IsStatic(lambda))
        {
            TokenForwarding.CollectCalls(lambda.Body, types, awaitedOnly: false, slots);
        }
    }

    private static bool IsStatic(IAnonymousFunctionOperation lambda) =>
        lambda.Syntax is AnonymousFunctionExpressionSyntax syntax && syntax.Modifiers.Any(SyntaxKind.StaticKeyword);

    /// <summary>
    /// Adds <c>CancellationToken cancellationToken = default</c> to the enclosing method and passes it. Not for
    /// overrides, interface implementations, event handlers, methods used as delegates in this file, or
    /// <c>params</c> methods, whose signature is not theirs to change.
    /// </summary>
    private static void PlanNewParameter(FixContext context, IInvocationOperation call, List<TokenSlot> slots, List<PlannedFix> fixes)
    {
        MethodDeclarationSyntax? declaration = null;
        for (var current = call.Syntax.Parent; current is not null; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax lambda && lambda.Modifiers.Any(SyntaxKind.StaticKeyword)
                || current is LocalFunctionStatementSyntax local && local.Modifiers.Any(SyntaxKind.StaticKeyword))
            {
                return;
            }

            if (current is MethodDeclarationSyntax method)
            {
                declaration = method;
                break;
            }

            if (current is MemberDeclarationSyntax)
            {
                return;
            }
        }

        if (declaration is null || declaration.Body is null && declaration.ExpressionBody is null
            || context.Model.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } symbol
            || !CanAddParameter(symbol, declaration, context.Root, KnownSymbols.GetOrCreate(context.Model.Compilation))
            || RequestScope.IsInRequestCode(context.Model, call.Syntax, KnownSymbols.GetOrCreate(context.Model.Compilation), context.CancellationToken))
        {
            return; // in request code the framework would bind the new parameter to the request's token
        }

        var name = context.Names.Allocate(declaration, "cancellationToken");
        var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(name))
            .WithType(FixSyntax.QualifiedType("System.Threading.CancellationToken").WithTrailingTrivia(SyntaxFactory.Space))
            .WithDefault(SyntaxFactory.EqualsValueClause(SyntaxFactory.LiteralExpression(SyntaxKind.DefaultLiteralExpression)));
        fixes.Add(new PlannedFix(
            "Add a CancellationToken parameter to '" + symbol.Name + "' and pass it",
            AddParameterKey,
            editor =>
            {
                foreach (var slot in slots)
                {
                    TokenForwarding.Apply(editor, slot, name);
                }

                editor.ReplaceNode(declaration.ParameterList, (current, _) => ((ParameterListSyntax)current).AddParameters(parameter));
            })
        {
            ExcludeFromFixAll = true,
        });
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

using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Bounded.Analyzers;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Lifetime;

/// <summary>One place a token goes: appended (positionally or by name) to a call's arguments, or replacing a dead token argument.</summary>
internal sealed class TokenSlot
{
    public TokenSlot(SyntaxNode call, string? parameterName, ArgumentSyntax? replaces, IMethodSymbol? requires = null)
    {
        Call = call;
        ParameterName = parameterName;
        Replaces = replaces;
        Requires = requires;
    }

    /// <summary>An invocation or object creation.</summary>
    public SyntaxNode Call { get; }

    /// <summary>Set when the token must be passed by name.</summary>
    public string? ParameterName { get; }

    /// <summary>A <c>default</c> / <c>CancellationToken.None</c> argument the token replaces.</summary>
    public ArgumentSyntax? Replaces { get; }

    /// <summary>The method that takes the appended token: every target the file compiles for must have it.</summary>
    public IMethodSymbol? Requires { get; }
}

/// <summary>Finds the calls that can take a token and writes it into them; shared by the BND2xxx fixers.</summary>
internal static class TokenForwarding
{
    /// <summary>Where a call takes a token it is not given: an omitted optional parameter, a dead token argument, or an overload with a trailing token.</summary>
    public static TokenSlot? SlotFor(IOperation call, KnownSymbols types)
    {
        IMethodSymbol? method;
        ImmutableArray<IArgumentOperation> arguments;
        ArgumentListSyntax? list;
        switch (call)
        {
            case IInvocationOperation invocation when invocation.Syntax is InvocationExpressionSyntax syntax:
                method = invocation.TargetMethod;
                arguments = invocation.Arguments;
                list = syntax.ArgumentList;
                break;
            case IObjectCreationOperation creation when creation.Syntax is BaseObjectCreationExpressionSyntax syntax && syntax.ArgumentList is not null:
                method = creation.Constructor;
                arguments = creation.Arguments;
                list = syntax.ArgumentList;
                break;
            default:
                return null;
        }

        if (method is null || list is null)
        {
            return null;
        }

        var explicitCount = 0;
        var named = false;
        foreach (var argument in arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                continue;
            }

            if (argument.ArgumentKind == ArgumentKind.ParamArray)
            {
                return null;
            }

            explicitCount++;
            if (argument.Syntax is ArgumentSyntax { NameColon: not null })
            {
                named = true;
            }

            if (types.IsToken(argument.Parameter?.Type))
            {
                if (types.ObservesToken(argument.Value))
                {
                    return null;
                }

                return argument.Syntax is ArgumentSyntax dead ? new TokenSlot(call.Syntax, null, dead) : null;
            }
        }

        if (DetachedTasks.TokenParameter(method, types) is { } parameter)
        {
            var positional = !named && parameter.Ordinal == explicitCount;
            return new TokenSlot(call.Syntax, positional ? null : parameter.Name, null, method);
        }

        if (DetachedTasks.TokenOverload(method, types) is { } overload && explicitCount == method.Parameters.Length)
        {
            return new TokenSlot(call.Syntax, named ? overload.Parameters[overload.Parameters.Length - 1].Name : null, null, overload);
        }

        return null;
    }

    /// <summary>Calls in <paramref name="root"/> (not inside nested functions) that can take a token; with <paramref name="awaitedOnly"/>, only awaited ones.</summary>
    public static void CollectCalls(IOperation root, KnownSymbols types, bool awaitedOnly, List<TokenSlot> slots)
    {
        foreach (var operation in EndlessLoops.OwnDescendants(root))
        {
            if (operation is not IInvocationOperation invocation)
            {
                continue;
            }

            if (awaitedOnly && !invocation.IsAwaited())
            {
                continue;
            }

            if (SlotFor(invocation, types) is { } slot)
            {
                slots.Add(slot);
            }
        }
    }


    /// <summary>Drops the slots whose token-taking overload or parameter some target of the file lacks (a token overload added in .NET 5 in a file that also compiles for netstandard2.0).</summary>
    public static void KeepThoseEveryTargetHas(List<TokenSlot> slots, FixTargets targets)
    {
        if (targets.IsLinked)
        {
            slots.RemoveAll(slot => slot.Requires is { } method && !targets.HaveEverywhere(method));
        }
    }

    /// <summary>Writes the token into the call; a call that already passes it is left alone, so fixes compose in FixAll.</summary>
    public static void Apply(SyntaxEditor editor, TokenSlot slot, string token)
    {
        editor.ReplaceNode(slot.Call, (current, _) =>
        {
            var list = current switch
            {
                InvocationExpressionSyntax invocation => invocation.ArgumentList,
                BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
                _ => null,
            };
            if (list is null)
            {
                return current;
            }

            foreach (var existing in list.Arguments)
            {
                if (existing.Expression.ToString() == token)
                {
                    return current;
                }
            }

            var expression = SyntaxFactory.ParseExpression(token);
            ArgumentListSyntax updated;
            if (slot.Replaces is not null && FindSameArgument(list, slot.Replaces) is { } dead)
            {
                updated = list.ReplaceNode(dead, dead.WithExpression(expression.WithTriviaFrom(dead.Expression)));
            }
            else
            {
                var argument = SyntaxFactory.Argument(expression);
                if (slot.ParameterName is not null)
                {
                    argument = argument.WithNameColon(SyntaxFactory.NameColon(slot.ParameterName));
                }

                var nodes = new List<ArgumentSyntax>(list.Arguments) { argument };
                var separators = new List<SyntaxToken>(list.Arguments.GetSeparators());
                if (list.Arguments.Count > 0)
                {
                    separators.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
                }

                updated = list.WithArguments(SyntaxFactory.SeparatedList(nodes, separators));
            }

            return current switch
            {
                InvocationExpressionSyntax invocation => invocation.WithArgumentList(updated),
                BaseObjectCreationExpressionSyntax creation => creation.WithArgumentList(updated),
                _ => current,
            };
        });
    }

    private static ArgumentSyntax? FindSameArgument(ArgumentListSyntax list, ArgumentSyntax original)
    {
        var originalList = (ArgumentListSyntax)original.Parent!;
        var index = originalList.Arguments.IndexOf(original);
        return index >= 0 && index < list.Arguments.Count ? list.Arguments[index] : null;
    }

    /// <summary>
    /// One fix per token candidate: with a single candidate under <paramref name="key"/> (so FixAll applies it
    /// everywhere), with several under <paramref name="key"/> plus the token's name.
    /// </summary>
    public static void AddPerCandidate(ImmutableArray<TokenCandidate> candidates, string key, System.Func<string, string> title, System.Action<SyntaxEditor, string> apply, List<PlannedFix> fixes)
    {
        // The first candidate is the one discovery ranks best; it becomes the site's default fix.
        for (var i = 0; i < candidates.Length; i++)
        {
            var token = candidates[i].Expression;
            fixes.Add(new PlannedFix(title(token), i == 0 ? key : key + "." + KeySuffix(token), editor => apply(editor, token)));
        }
    }

    /// <summary>Equivalence-key suffix for a token expression: letters and digits only.</summary>
    private static string KeySuffix(string expression)
    {
        var builder = new StringBuilder();
        foreach (var c in expression)
        {
            if (char.IsLetterOrDigit(c) && c < 128)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

using Microsoft.CodeAnalysis;

namespace Bounded.Analyzers;

/// <summary>Builds descriptors so every rule gets the same help link and tags.</summary>
public static class Rules
{
    /// <summary>Where the repository's rule pages live; each rule's page is <c>{HelpRoot}{ID}.md</c>.</summary>
    public const string HelpRoot = "https://github.com/bounded-analyzers/bounded/blob/main/docs/rules/";

    public static string HelpLink(string id) => HelpRoot + id + ".md";

    public static DiagnosticDescriptor Create(
        string id,
        string title,
        string message,
        string category,
        DiagnosticSeverity severity,
        string description,
        bool enabledByDefault = true) =>
        new(
            id,
            title,
            message,
            category,
            severity,
            enabledByDefault,
            description,
            HelpLink(id));
}

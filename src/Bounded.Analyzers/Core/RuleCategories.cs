namespace Bounded.Analyzers;

/// <summary>Diagnostic categories, one per rule family.</summary>
public static class RuleCategories
{
    public const string Configuration = "Configuration";
    public const string Concurrency = "Concurrency";
    public const string Lifetime = "Lifetime";
    public const string Memory = "Memory";
    public const string Queues = "Queues";
}

// CheckedPolicy -> Program. One node per checked expression, built bottom-up; a node
// whose value depends on nothing at run time (deps == 0) is folded right after it is
// built by running it once, so folding sees already-folded children and costs one
// evaluation per constant sub-expression. For example
//
//   d.name in install_script_allowlist        kIn
//                                             +- a: kField slot=0 (name)
//                                             |     +- a: kLocal slot=0 (d)
//                                             +- b: kConst ["esbuild", "sharp", "fsevents"]
#include "engine/compile/compiler.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include "engine/base/digest.h"
#include "engine/base/limits.h"
#include "engine/check/operators.h"
#include "engine/compile/cost_builder.h"
#include "engine/compile/machine.h"
#include "engine/compile/read_set.h"
#include "engine/compile/regex_literal.h"

namespace relgate::compile {

using check::RefKind;
using syntax::Expr;
using syntax::ExprKind;
using syntax::Op;
using types::TypeKind;

class Compiler {
 public:
  Compiler(std::unique_ptr<check::CheckedPolicy> policy, const SourceMap& sources,
           DiagnosticSink& sink, CompileOptions options)
      : policy_(std::move(policy)),
        sources_(sources),
        sink_(sink),
        options_(options),
        program_(std::make_unique<Program>()) {}

  std::unique_ptr<Program> Run() {
    Program& p = *program_;
    p.max_locals_ = std::max<uint32_t>(policy_->max_locals, 1);
    p.schema_ = policy_->schema;
    p.package_ = policy_->package;
    p.sources_ = policy_->sources;
    p.roots_ = policy_->roots;
    std::string manifest;
    for (const SourceDigest& s : p.sources_)
      manifest += fmt::format("{}  {}\n", s.sha256, s.path);
    p.digest_ = Sha256Hex(manifest);
    const_nodes_.assign(policy_->consts.size(), kNoNode);
    // Lets first, with their roots filled in, so that folding never meets an unset let.
    p.lets_.resize(policy_->lets.size());
    // Folded constants live for the program's lifetime: bound them like temporaries.
    p.constants_.set_limit(limits::kMaxEvaluationBytes);
    for (size_t i = 0; i < policy_->lets.size(); ++i) {
      p.lets_[i].name = policy_->lets[i].name;
      depth_ = 0;
      p.lets_[i].root = CompileExpr(*policy_->lets[i].value);
    }
    CheckConstraints();
    for (const check::CheckedRule& cr : policy_->rules)
      CompileRule(cr);
    for (const check::CheckedException& ce : policy_->exceptions)
      CompileException(ce);
    BuildKernels();
    p.types_ = std::move(policy_->types);
    if (sink_.has_errors())
      return nullptr;
    p.reads_ = ComputeReadSet(p);
    return std::move(program_);
  }

 private:
  // The comment lines right above a rule (none blank between), without their `#`: the
  // rule's documentation, which SARIF shows as the rule's help.
  std::string DocComment(const syntax::Rule& rule) const {
    const SourceFile& file = sources_.file(rule.span.file);
    for (const auto& module : policy_->modules) {
      if (module->file != rule.span.file)
        continue;
      std::vector<std::string> lines;
      uint32_t want = file.LocationOf(rule.span.begin).line - 1;
      for (auto it = module->comments.rbegin(); it != module->comments.rend(); ++it) {
        if (it->span.begin >= rule.span.begin)
          continue;
        const relgate::Location at = file.LocationOf(it->span.begin);
        if (at.line != want)
          break;
        std::string text = it->text;
        if (!text.empty() && text.front() == '#')
          text.erase(0, 1);
        if (!text.empty() && text.front() == ' ')
          text.erase(0, 1);
        lines.insert(lines.begin(), text);
        --want;
      }
      return fmt::format("{}", fmt::join(lines, " "));
    }
    return "";
  }

  PolicyLocation Location(Span span) const {
    const SourceFile& file = sources_.file(span.file);
    const relgate::Location at = file.LocationOf(span.begin);
    return {file.path(), at.line, at.column};
  }

  NodeId Emit(Node node, const Expr* source) {
    Program& p = *program_;
    p.nodes_.push_back(node);
    p.snippets_.push_back(source != nullptr ? std::string(sources_.Text(source->span)) : "");
    p.node_types_.push_back(source != nullptr ? policy_->expr_types[source->id] : nullptr);
    return static_cast<NodeId>(p.nodes_.size() - 1);
  }

  NodeId EmitConst(Value value, const Expr& source) {
    Node n;
    n.kind = NodeKind::kConst;
    n.value = value;
    return Emit(n, &source);
  }

  // Replaces a just-built constant node by its value.
  NodeId Fold(NodeId id, const Expr& e) {
    // After a failed fold the program is rejected anyway; folding the enclosing
    // expressions would only run (and report) the failing part again.
    if (!options_.fold_constants || policy_->deps[e.id] != 0 || fold_failed_)
      return id;
    const Node& node = program_->node(id);
    if (node.kind == NodeKind::kConst)
      return id;
    const std::optional<Value> value = RunConstant(id, e);
    if (!value)
      return id;
    Node folded;
    folded.kind = NodeKind::kConst;
    folded.value = *value;
    program_->nodes_[id] = folded;
    return id;
  }

  // Runs a node that depends on nothing at run time; reports and returns nothing if it
  // fails or exceeds the budget.
  std::optional<Value> RunConstant(NodeId id, const Expr& e) {
    std::deque<ErrorInfo> errors;
    LetCache lets;
    lets.Reset(program_->lets().size());
    std::vector<Value> locals(program_->max_locals());
    Frame frame;
    frame.locals = locals.data();
    frame.lets = &lets;
    frame.arena = &program_->constants_;
    frame.errors = &errors;
    Budget budget(limits::kMaxFoldSteps);
    frame.budget = &budget;
    Value value;
    try {
      value = compile::Run(*program_, id, frame);
    } catch (const BudgetExceeded& exceeded) {
      sink_.Error("constant-too-costly", e.span,
                  fmt::format("this constant expression cannot be computed: {}", exceeded.what()));
      fold_failed_ = true;
      return std::nullopt;
    }
    if (value.is_error()) {
      sink_.Error("constant-error", e.span,
                  fmt::format("this constant expression fails: {}", value.error().message));
      fold_failed_ = true;
      return std::nullopt;
    }
    return value;
  }

  // `const n: int = 2 where n >= 1 "..."`: the value the const ends up with (its default
  // or the importer's parameter) must satisfy each constraint, or the policy does not
  // compile. Reported at the parameter when an import set it.
  void CheckConstraints() {
    for (const check::CheckedBinding& c : policy_->consts) {
      if (c.decl == nullptr || c.value == nullptr)
        continue;
      for (const syntax::Constraint& constraint : c.decl->constraints) {
        const NodeId condition = CompileExpr(*constraint.condition);
        const std::optional<Value> holds = RunConstant(condition, *constraint.condition);
        if (!holds || holds->kind != ValueKind::kBool || holds->b)
          continue;
        const NodeId value_node = CompileExpr(*c.value);
        const std::optional<Value> value = RunConstant(value_node, *c.value);
        const std::string shown =
            value ? FormatValue(*value, false, policy_->expr_types[c.value->id]) : "?";
        const std::string short_name = c.decl->name;
        const Diagnostic d{
            Severity::kError,
            "bad-param",
            c.set_by_import ? c.value->span : constraint.span,
            true,
            fmt::format("{}`{}` is {}, which breaks its constraint `{}`: {}",
                        c.set_by_import ? "parameter " : "const ", short_name, shown,
                        sources_.Text(constraint.condition->span), constraint.message),
            {{constraint.span, "constraint declared here"}},
            {}};
        sink_.Report(d);
      }
    }
  }

  NodeId Operands(Node n, const Expr& e, size_t from) {
    n.first = static_cast<uint32_t>(program_->operands_.size());
    std::vector<NodeId> ids;
    for (size_t i = from; i < e.children.size(); ++i)
      ids.push_back(CompileExpr(*e.children[i]));
    n.first = static_cast<uint32_t>(program_->operands_.size());
    n.count = static_cast<uint32_t>(ids.size());
    program_->operands_.insert(program_->operands_.end(), ids.begin(), ids.end());
    return Emit(n, &e);
  }

  NodeId CompileRef(const check::Ref& ref, const Expr& e) {
    Node n;
    switch (ref.kind) {
      case RefKind::kFact:
        n.kind = NodeKind::kFact;
        n.slot = ref.index;
        return Emit(n, &e);
      case RefKind::kLet:
        n.kind = NodeKind::kLet;
        n.slot = ref.index;
        return Emit(n, &e);
      case RefKind::kLocal:
        n.kind = NodeKind::kLocal;
        n.slot = ref.index;
        return Emit(n, &e);
      case RefKind::kConst: {
        // Each reference gets its own node, so an explanation shows `allow = [...]` under
        // the name the rule used. Folded: a copy of the constant (free at run time).
        // Unfolded: the definition compiled again, labelled with the reference.
        const uint32_t saved = depth_;
        depth_ = 0;
        NodeId id;
        if (options_.fold_constants) {
          if (const_nodes_[ref.index] == kNoNode) {
            const_nodes_[ref.index] = CompileExpr(*policy_->consts[ref.index].value);
          }
          id = const_nodes_[ref.index];
          if (program_->node(id).kind == NodeKind::kConst)
            id = Emit(program_->node(id), &e);
        } else {
          id = CompileExpr(*policy_->consts[ref.index].value);
          program_->snippets_[id] = std::string(sources_.Text(e.span));
        }
        depth_ = saved;
        return id;
      }
      default:
        throw InternalError(fmt::format("unresolved name `{}` reached the compiler", e.text));
    }
  }

  NodeId CompileRegex(const Expr& e) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(limits::kMaxRegexMemory);
    auto re = std::make_unique<RE2>(e.text, options);
    if (!re->ok()) {
      sink_.Error("bad-regex", e.span, fmt::format("invalid regex: {}", re->error()));
      return EmitConst(Value::Bool(false), e);
    }
    if (re->ProgramSize() > limits::kMaxRegexProgramSize) {
      sink_.Error("bad-regex", e.span,
                  fmt::format("regex is too large ({} instructions, limit {})", re->ProgramSize(),
                              limits::kMaxRegexProgramSize));
    }
    const RE2* raw = re.get();
    program_->regexes_.push_back(std::move(re));
    return EmitConst(Value::Pointer(ValueKind::kRegex, raw), e);
  }

  NodeId CompileBinary(const Expr& e) {
    Node n;
    const types::Type* lt = policy_->expr_types[e.children[0]->id];
    const types::Type* rt = policy_->expr_types[e.children[1]->id];
    n.a = CompileExpr(*e.children[0]);
    n.b = CompileExpr(*e.children[1]);
    switch (e.op) {
      case Op::kAnd: n.kind = NodeKind::kAnd; break;
      case Op::kOr: n.kind = NodeKind::kOr; break;
      case Op::kCoalesce: {
        n.kind = NodeKind::kCoalesce;
        if (IsMapEntry(*e.children[0])) {
          // m[k] ?? d: look the key up once; absent means the default, not an error.
          const Node& index = program_->node(n.a);
          n.kind = NodeKind::kIndexOr;
          n.c = n.b;
          n.a = index.a;
          n.b = index.b;
          break;
        }
        const Node& field = program_->node(n.a);
        const Node& fallback = program_->node(n.b);
        if (field.kind == NodeKind::kLocalField && fallback.kind == NodeKind::kConst) {
          // d.integrity ?? "": one node.
          n.kind = NodeKind::kLocalFieldOr;
          n.slot = field.slot;
          n.first = field.first;
          n.value = fallback.value;
        }
        break;
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod: {
        // The same table the checker typed the expression with (check/operators.h).
        const check::ArithmeticRule* rule = check::FindArithmetic(e.op, lt->kind, rt->kind);
        if (rule == nullptr)
          throw InternalError("the checker accepted operands the operator table lacks");
        n.kind = NodeKind::kArith;
        n.arith = rule->arith;
        if (rule->swap)
          std::swap(n.a, n.b);
        break;
      }
      case Op::kEq:
        n.kind = NodeKind::kCompare;
        n.compare = CompareOp::kEq;
        break;
      case Op::kNe:
        n.kind = NodeKind::kCompare;
        n.compare = CompareOp::kNe;
        break;
      case Op::kLt:
        n.kind = NodeKind::kCompare;
        n.compare = CompareOp::kLt;
        break;
      case Op::kLe:
        n.kind = NodeKind::kCompare;
        n.compare = CompareOp::kLe;
        break;
      case Op::kGt:
        n.kind = NodeKind::kCompare;
        n.compare = CompareOp::kGt;
        break;
      case Op::kGe:
        n.kind = NodeKind::kCompare;
        n.compare = CompareOp::kGe;
        break;
      case Op::kIn:
      case Op::kNotIn:
        n.kind = NodeKind::kIn;
        n.negate = e.op == Op::kNotIn;
        break;
      case Op::kMatches: {
        n.kind = NodeKind::kMatches;
        n.literal = LiteralMatch::kNone;
        const Node& pattern = program_->node(n.b);
        if (pattern.kind == NodeKind::kConst && pattern.value.kind == ValueKind::kRegex) {
          n.regex = static_cast<const RE2*>(pattern.value.ptr);
          RegexLiteral literal = LiteralOf(n.regex->pattern());
          if (literal.match != LiteralMatch::kNone) {
            n.literal = literal.match;
            n.value = Value::String(program_->constants_.CopyString(literal.text));
          }
        }
        break;
      }
      default: throw InternalError("unknown binary operator");
    }
    return Emit(n, &e);
  }

  // starts_with / ends_with / contains against a constant: an inline test, no call.
  NodeId SpecializeStringTest(NodeId id, const std::string& name) {
    Node& n = program_->nodes_[id];
    if (n.count != 2 || (name != "starts_with" && name != "ends_with" && name != "contains")) {
      return id;
    }
    const NodeId pattern = program_->operands_[n.first + 1];
    const Node& p = program_->node(pattern);
    if (p.kind != NodeKind::kConst || p.value.kind != ValueKind::kString)
      return id;
    Node test;
    test.kind = NodeKind::kStringTest;
    test.string_test = name == "starts_with" ? StringTest::kStartsWith
                       : name == "ends_with" ? StringTest::kEndsWith
                                             : StringTest::kContains;
    test.a = program_->operands_[n.first];
    test.b = pattern;
    test.value = p.value;
    program_->nodes_[id] = test;
    return id;
  }

  NodeId CompileLoop(const Expr& e) {
    Node n;
    const bool comprehension = e.kind == ExprKind::kComprehension;
    n.a = CompileExpr(comprehension ? *e.children[1] : *e.children[0]);
    n.slot = depth_++;
    if (comprehension) {
      n.kind = NodeKind::kComprehension;
      n.is_set = e.is_set;
      if (e.has_filter)
        n.c = CompileExpr(*e.children[2]);
      n.b = CompileExpr(*e.children[0]);
    } else {
      n.kind = NodeKind::kQuantifier;
      n.quantifier = e.quantifier;
      n.b = CompileExpr(*e.children[1]);
    }
    --depth_;
    return Emit(n, &e);
  }

  NodeId CompileExpr(const Expr& e) { return Fold(CompileExprInner(e), e); }

  NodeId CompileExprInner(const Expr& e) {
    Node n;
    switch (e.kind) {
      case ExprKind::kInt: return EmitConst(Value::Int(e.int_value), e);
      case ExprKind::kFloat: return EmitConst(Value::Float(e.float_value), e);
      case ExprKind::kBool: return EmitConst(Value::Bool(e.bool_value), e);
      case ExprKind::kDuration: return EmitConst(Value::Duration(e.int_value), e);
      case ExprKind::kTime: return EmitConst(Value::Time(e.int_value), e);
      case ExprKind::kString:
        return EmitConst(Value::String(program_->constants_.CopyString(e.text)), e);
      case ExprKind::kRegex: return CompileRegex(e);
      case ExprKind::kNow: n.kind = NodeKind::kNow; return Emit(n, &e);
      case ExprKind::kName: return CompileRef(policy_->refs[e.id], e);
      case ExprKind::kMember: {
        const check::Ref& ref = policy_->refs[e.id];
        if (ref.kind == RefKind::kLet || ref.kind == RefKind::kConst)
          return CompileRef(ref, e);
        n.kind = NodeKind::kField;
        n.a = CompileExpr(*e.children[0]);
        n.slot = ref.index;
        if (program_->node(n.a).kind == NodeKind::kLocal) {
          // d.name: read the field of a loop variable in one step.
          n.kind = NodeKind::kLocalField;
          n.first = ref.index;
          n.slot = program_->node(n.a).slot;
        }
        return Emit(n, &e);
      }
      case ExprKind::kIndex:
        n.kind = NodeKind::kIndex;
        n.a = CompileExpr(*e.children[0]);
        n.b = CompileExpr(*e.children[1]);
        return Emit(n, &e);
      case ExprKind::kCall:
      case ExprKind::kMethod: {
        n.kind = NodeKind::kCall;
        n.fn = policy_->calls[e.id]->fn;
        n.fn_data = policy_->calls[e.id]->data;
        const NodeId id = Operands(n, e, 0);
        return SpecializeStringTest(id, policy_->calls[e.id]->name);
      }
      case ExprKind::kHas:
        n.kind = NodeKind::kHas;
        n.a = CompileExpr(*e.children[0]);
        if (IsMapEntry(*e.children[0])) {
          const Node& index = program_->node(n.a);
          n.kind = NodeKind::kHasKey;
          n.b = index.b;
          n.a = index.a;
        }
        return Emit(n, &e);
      case ExprKind::kUnary:
        n.kind = e.op == Op::kNot ? NodeKind::kNot : NodeKind::kNeg;
        n.a = CompileExpr(*e.children[0]);
        return Emit(n, &e);
      case ExprKind::kBinary: return CompileBinary(e);
      case ExprKind::kList: n.kind = NodeKind::kList; return Operands(n, e, 0);
      case ExprKind::kSet: n.kind = NodeKind::kSet; return Operands(n, e, 0);
      case ExprKind::kComprehension:
      case ExprKind::kQuantifier: return CompileLoop(e);
    }
    throw InternalError("unknown expression kind");
  }

  bool IsMapEntry(const Expr& e) const {
    if (e.kind != ExprKind::kIndex)
      return false;
    const types::Type* object = policy_->expr_types[e.children[0]->id];
    return object != nullptr && object->kind == TypeKind::kMap;
  }

  // `dependencies` or `artifact.files` when the list a rule iterates is a fact path.
  std::string FactPath(const Expr& e) const {
    if (e.kind == ExprKind::kName && policy_->refs[e.id].kind == RefKind::kFact)
      return e.text;
    if (e.kind == ExprKind::kMember && policy_->refs[e.id].kind == RefKind::kNone) {
      const std::string base = FactPath(*e.children[0]);
      return base.empty() ? "" : fmt::format("{}.{}", base, e.text);
    }
    return "";
  }

  void CompileRule(const check::CheckedRule& cr) {
    const syntax::Rule& rule = *cr.rule;
    CompiledRule out;
    out.id = cr.id;
    out.level = cr.level;
    out.rollout = cr.rollout;
    out.rollout_text = cr.rollout_text;
    out.location = Location(rule.name_span);
    if (cr.instance != 0)
      out.imported_at = Location(policy_->instances[cr.instance].import_span);
    out.doc = DocComment(rule);
    out.exceptions = cr.exceptions;
    depth_ = 0;
    if (rule.has_for) {
      out.has_for = true;
      out.var = rule.var;
      out.over = CompileExpr(*rule.over);
      out.over_path = FactPath(*rule.over);
      depth_ = 1;  // slot 0 holds the item
      if (rule.filter)
        out.filter = CompileExpr(*rule.filter);
    }
    for (const syntax::TemplatePart& part : rule.message.parts) {
      if (part.expr) {
        out.message.push_back({"", CompileExpr(*part.expr)});
      } else {
        out.message.push_back({part.literal, kNoNode});
      }
    }
    out.condition = CompileExpr(*rule.condition);
    std::vector<const syntax::Expr*> exception_conditions;
    for (uint32_t e : cr.exceptions) {
      if (policy_->exceptions[e].exception->condition) {
        exception_conditions.push_back(policy_->exceptions[e].exception->condition.get());
      }
    }
    out.cost = CostBuilder(*policy_, sources_).ForRule(cr, exception_conditions);
    program_->rules_.push_back(std::move(out));
  }

  // Kernels (kernel.h) for the per-item conditions: a `for` rule's filter and condition,
  // a quantifier's condition, a comprehension's filter. A condition with a node no kernel
  // test takes keeps the interpreter alone.
  void BuildKernels() {
    Program& p = *program_;
    auto add = [&p](NodeId condition, uint32_t slot) {
      Kernel kernel = Kernel::Build(p, condition, slot);
      if (!kernel.valid())
        return kNoKernel;
      p.kernels_.push_back(std::move(kernel));
      return static_cast<uint32_t>(p.kernels_.size() - 1);
    };
    for (CompiledRule& rule : p.rules_) {
      if (!rule.has_for)
        continue;
      if (rule.filter != kNoNode)
        rule.filter_kernel = add(rule.filter, 0);
      rule.condition_kernel = add(rule.condition, 0);
    }
    for (Node& n : p.nodes_) {
      if (n.kind == NodeKind::kQuantifier) {
        n.kernel = add(n.b, n.slot);
      } else if (n.kind == NodeKind::kComprehension && n.c != kNoNode) {
        n.kernel = add(n.c, n.slot);
      }
    }
  }

  void CompileException(const check::CheckedException& ce) {
    const syntax::Exception& e = *ce.exception;
    CompiledException out;
    out.rule = ce.rule;
    depth_ = program_->rules_[ce.rule].has_for ? 1 : 0;
    if (e.condition) {
      out.condition = CompileExpr(*e.condition);
      out.condition_text = std::string(sources_.Text(e.condition->span));
    }
    out.until = e.until;
    out.until_text = e.until_text;
    out.owner = e.owner;
    out.reason = e.reason;
    out.location = Location(e.span);
    program_->exceptions_.push_back(std::move(out));
  }

  std::unique_ptr<check::CheckedPolicy> policy_;
  const SourceMap& sources_;
  DiagnosticSink& sink_;
  CompileOptions options_;
  std::unique_ptr<Program> program_;
  std::vector<NodeId> const_nodes_;
  uint32_t depth_ = 0;  // loop variables bound here = next free frame slot
  bool fold_failed_ = false;
};

Program::~Program() = default;

std::unique_ptr<Program> Compile(std::unique_ptr<check::CheckedPolicy> policy,
                                 const SourceMap& sources, DiagnosticSink& sink,
                                 CompileOptions options) {
  return Compiler(std::move(policy), sources, sink, options).Run();
}

const char* NodeKindName(NodeKind kind) {
  switch (kind) {
#define RELGATE_NODE_NAME(name) \
  case NodeKind::k##name: return #name;
    RELGATE_NODE_KINDS(RELGATE_NODE_NAME)
#undef RELGATE_NODE_NAME
  }
  return "?";
}

}  // namespace relgate::compile

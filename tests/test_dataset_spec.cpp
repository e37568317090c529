// Tests for the dataset-spec syntax: every kind parses, canonical() is a normal form, make_dataset
// builds the same data as the generators and readers, and every malformed spec is a DataError
// whose message names the problem. Also validate(), which make_dataset applies to its result.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "data_error_message.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/generators.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace largestep {
namespace {

// The message of the DataError for a spec, whether parsing or building rejects it.
std::string spec_error(const std::string& text) {
  return error_of([&] { make_dataset(text); });
}

// Whether `message` contains every one of `parts`.
testing::AssertionResult mentions(const std::string& message,
                                  const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    if (message.find(part) == std::string::npos)
      return testing::AssertionFailure() << "'" << message << "' does not mention '" << part << "'";
  }
  return testing::AssertionSuccess();
}

using Params = std::map<std::string, std::string>;

TEST(ParseDatasetSpec, ReadsEveryKind) {
  struct Case {
    std::string text, kind, path;
    Params params;
  };
  const std::vector<Case> cases = {
      {"oned", "oned", "", {{"x", "1"}}},
      {"oned:x=0.5", "oned", "", {{"x", "0.5"}}},
      {"hard:gamma=0.1", "hard", "", {{"gamma", "0.1"}}},
      {"toy4", "toy4", "", {}},
      {"planted:n=100,d=5,gamma=0.05,seed=3",
       "planted",
       "",
       {{"n", "100"}, {"d", "5"}, {"gamma", "0.05"}, {"seed", "3"}}},
      {"libsvm:/data/heart_scale,neg=0,pos=1",
       "libsvm",
       "/data/heart_scale",
       {{"neg", "0"}, {"pos", "1"}, {"scale", "max"}}},
      {"csv:dir/x.csv,label=first,header=yes",
       "csv",
       "dir/x.csv",
       {{"label", "first"}, {"header", "yes"}, {"scale", "max"}}},
      {"libsvm:C:/data/a.txt", "libsvm", "C:/data/a.txt", {{"scale", "max"}}},
      {"fashion:7v9", "fashion", "7v9", {{"split", "train"}}},
      {"fashion:9v7,split=test", "fashion", "9v7", {{"split", "test"}}},
      {"fashion:6+4+2+0v7+5+3+1", "fashion", "0+2+4+6v1+3+5+7", {{"split", "train"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const DatasetSpec spec = parse_dataset_spec(c.text);
    EXPECT_EQ(spec.kind, c.kind);
    EXPECT_EQ(spec.path, c.path);
    EXPECT_EQ(spec.params, c.params);
  }
}

TEST(ParseDatasetSpec, DoesNotTouchTheFileSystem) {
  const DatasetSpec spec = parse_dataset_spec("libsvm:/no/such/dir/file.txt");
  EXPECT_EQ(spec.path, "/no/such/dir/file.txt");
  EXPECT_TRUE(mentions(error_of([&] { make_dataset(spec); }), {"/no/such/dir/file.txt"}));
}

TEST(DatasetSpecCanonical, SortsKeysSoEquivalentSpellingsAreEqual) {
  EXPECT_EQ(parse_dataset_spec("planted:seed=3,n=100").canonical(),
            parse_dataset_spec("planted:n=100,seed=3").canonical());
  // Defaults are filled in and values normalized, so equal datasets get equal strings.
  EXPECT_EQ(parse_dataset_spec("planted:seed=3,n=100").canonical(),
            "planted:d=10,gamma=0.05,n=100,seed=3");
  EXPECT_EQ(parse_dataset_spec("planted:seed=03,n=100,gamma=0.050").canonical(),
            parse_dataset_spec("planted:n=100,seed=3").canonical());
  EXPECT_EQ(parse_dataset_spec("hard").canonical(), parse_dataset_spec("hard:gamma=0.10").canonical());
  EXPECT_EQ(parse_dataset_spec("planted:n=100,d=5,gamma=0.05,seed=3").canonical(),
            "planted:d=5,gamma=0.05,n=100,seed=3");
  EXPECT_EQ(parse_dataset_spec("csv:a.csv,label=first,header=yes").canonical(),
            "csv:a.csv,header=yes,label=first,scale=max");
  EXPECT_EQ(parse_dataset_spec("toy4").canonical(), "toy4");
  EXPECT_EQ(parse_dataset_spec("hard:gamma=0.1").canonical(), "hard:gamma=0.1");
}

TEST(DatasetSpecCanonical, ParsesBackToTheSameSpec) {
  for (const std::string text :
       {"oned", "oned:x=0.5", "hard:gamma=0.05", "toy4", "planted:seed=9,gamma=0.2,d=3,n=7",
        "libsvm:p.txt,pos=2,neg=1,scale=none", "csv:q.csv,scale=max,neg=0,header=no,pos=1",
        "fashion:3+1v2,split=test", "fashion:0+2+4+6+8v9+7+5+3+1"}) {
    const DatasetSpec spec = parse_dataset_spec(text);
    const DatasetSpec again = parse_dataset_spec(spec.canonical());
    EXPECT_EQ(again.kind, spec.kind) << text;
    EXPECT_EQ(again.path, spec.path) << text;
    EXPECT_EQ(again.params, spec.params) << text;
    EXPECT_EQ(again.canonical(), spec.canonical()) << text;
  }
}

TEST(MakeDataset, BuildsWhatTheGeneratorsBuildAndRecordsTheCanonicalSpec) {
  const Dataset<double> planted = make_dataset("planted:seed=3,n=100,gamma=0.05,d=5");
  EXPECT_EQ(planted.spec, "planted:d=5,gamma=0.05,n=100,seed=3");
  const Dataset<double> direct = make_planted({100, 5, 0.05, 3});
  EXPECT_EQ(planted.X, direct.X);
  EXPECT_EQ(planted.y, direct.y);

  EXPECT_EQ(make_dataset("hard:gamma=0.05").X, make_hard(0.05).X);
  EXPECT_EQ(make_dataset("hard:gamma=0.05").spec, "hard:gamma=0.05");
  EXPECT_EQ(make_dataset("oned:x=0.25").X, make_oned(0.25).X);
  EXPECT_EQ(make_dataset("oned").spec, "oned:x=1");
  EXPECT_EQ(make_dataset("toy4").X, make_toy4().X);
  EXPECT_EQ(make_dataset("toy4").spec, "toy4");
}

TEST(MakeDataset, BuildsFromSubnormalValuesTheParserAccepted) {
  // Found by fuzz_dataset_spec ("hard:gamma=2e-310"): std::stod threw std::out_of_range.
  EXPECT_EQ(make_dataset("hard:gamma=2e-310").X(0, 0), 2e-310);
  EXPECT_EQ(make_dataset("oned:x=1e-310").X(0, 0), 1e-310);
  EXPECT_EQ(make_dataset("oned:x=1e-310").spec, "oned:x=1e-310");
}

TEST(MakeDataset, RejectsAHandBuiltSpecWithAMalformedValue) {
  DatasetSpec spec;
  spec.kind = "oned";
  spec.params["x"] = "half";
  EXPECT_TRUE(mentions(error_of([&] { make_dataset(spec); }), {"oned", "x="}));
  spec.params.clear();
  EXPECT_TRUE(mentions(error_of([&] { make_dataset(spec); }), {"oned", "x="}));
}

TEST(MakeDataset, UsesTheDocumentedDefaults) {
  EXPECT_EQ(make_dataset("oned").X, make_oned(1.0).X);
  EXPECT_EQ(make_dataset("hard").X, make_hard(0.1).X);
  const Dataset<double> planted = make_dataset("planted");
  EXPECT_EQ(planted.X, make_planted(PlantedOptions{1000, 10, 0.05, 1}).X);
  EXPECT_EQ(planted.spec, "planted:d=10,gamma=0.05,n=1000,seed=1");
}

// The path is everything up to the first comma, '=' included; a first item that reads as one of
// the kind's options and names no file is a missing path.
TEST(MakeDataset, PathsMayContainEquals) {
  const TempDir dir;
  const std::string path = dir.write("neg=0.libsvm", "1 1:0.5 2:1\n-1 1:-1 3:2\n");
  const Dataset<double> data = make_dataset("libsvm:" + path + ",scale=none");
  EXPECT_EQ(data.spec, "libsvm:" + path + ",scale=none");
  EXPECT_EQ(data.n(), 2);
  EXPECT_EQ(parse_dataset_spec(data.spec).path, path);
  EXPECT_TRUE(mentions(spec_error("libsvm:neg=0,pos=1"), {"needs a path first", "neg=0"}));
  EXPECT_TRUE(mentions(spec_error("csv:label=first"), {"needs a path first"}));
}

TEST(MakeDataset, ReadsLibsvmFilesWithALabelMapAndScaling) {
  const TempDir dir;
  const std::string path = dir.write("a.libsvm", "1 1:0.5 2:1\n0 1:-1 3:2\n");
  const Dataset<double> data = make_dataset("libsvm:" + path + ",neg=0,pos=1");
  EXPECT_EQ(data.spec, "libsvm:" + path + ",neg=0,pos=1,scale=max");
  ASSERT_EQ(data.n(), 2);
  ASSERT_EQ(data.d(), 3);
  EXPECT_EQ(data.y, (Vector<double>(2) << 1, -1).finished());
  const double s = std::sqrt(5.0);  // the larger row norm, ||(-1, 0, 2)||
  RowMatrix<double> expected(2, 3);
  expected << 0.5 / s, 1 / s, 0, -1 / s, 0, 2 / s;
  EXPECT_LT((data.X - expected).cwiseAbs().maxCoeff(), 1e-15);

  const Dataset<double> raw = make_dataset("libsvm:" + path + ",neg=0,pos=1,scale=none");
  EXPECT_EQ(raw.X(1, 2), 2.0);
  EXPECT_EQ(raw.spec, "libsvm:" + path + ",neg=0,pos=1,scale=none");
}

TEST(MakeDataset, ReadsCsvFilesWithLabelFirstAndAHeader) {
  const TempDir dir;
  const std::string path = dir.write("a.csv", "label,a,b\n1,0.3,0.4\n-1,0.6,0.8\n");
  const Dataset<double> data = make_dataset("csv:" + path + ",label=first,header=yes");
  EXPECT_EQ(data.spec, "csv:" + path + ",header=yes,label=first,scale=max");
  ASSERT_EQ(data.n(), 2);
  ASSERT_EQ(data.d(), 2);
  EXPECT_EQ(data.y, (Vector<double>(2) << 1, -1).finished());
  EXPECT_NEAR(data.X(0, 0), 0.3, 1e-15);
  EXPECT_NEAR(data.X(1, 1), 0.8, 1e-15);

  // Defaults: label last, no header, labels already -1/+1.
  const std::string plain = dir.write("b.csv", "0.3,0.4,1\n0.6,0.8,-1\n");
  EXPECT_EQ(make_dataset("csv:" + plain).X, data.X);
  // With the header read as data the first line is not numeric.
  EXPECT_THROW(make_dataset("csv:" + path + ",label=first"), DataError);
  // Label map for 1/2 labels.
  const std::string twelve = dir.write("c.csv", "0.3,0.4,2\n0.6,0.8,1\n");
  EXPECT_EQ(make_dataset("csv:" + twelve + ",neg=1,pos=2").y, data.y);
}

TEST(DatasetSpecErrors, UnknownKindListsTheKnownKinds) {
  EXPECT_TRUE(mentions(spec_error("gaussian:n=3"),
                       {"gaussian", "oned", "hard", "toy4", "planted", "libsvm", "csv"}));
  EXPECT_THROW(parse_dataset_spec("Hard"), DataError);
  EXPECT_THROW(parse_dataset_spec(""), DataError);
  EXPECT_THROW(parse_dataset_spec(":gamma=0.1"), DataError);
}

TEST(DatasetSpecErrors, MalformedKeyValueListsNameTheProblem) {
  EXPECT_TRUE(mentions(spec_error("hard:gama=0.1"), {"gama", "gamma"}));   // unknown key
  EXPECT_TRUE(mentions(spec_error("toy4:x=1"), {"x"}));                     // toy4 has no keys
  EXPECT_TRUE(mentions(spec_error("hard:gamma=0.1,gamma=0.2"), {"gamma", "twice"}));
  EXPECT_TRUE(mentions(spec_error("hard:gamma"), {"gamma", "KEY=VALUE"}));  // missing '='
  EXPECT_TRUE(mentions(spec_error("hard:gamma="), {"gamma="}));             // empty value
  EXPECT_TRUE(mentions(spec_error("hard:=0.1"), {"=0.1"}));                 // empty key
  EXPECT_TRUE(mentions(spec_error("hard:gamma=0.1,"), {"trailing comma"}));
  EXPECT_TRUE(mentions(spec_error("planted:n=10,,d=2"), {"KEY=VALUE"}));
  EXPECT_TRUE(mentions(spec_error("hard:0.1"), {"0.1"}));  // no positional argument
}

TEST(DatasetSpecErrors, BadNumbersNameTheKeyAndTheValue) {
  for (const std::string value : {"abc", "nan", "inf", "-inf", "0.1x", "1e999"}) {
    EXPECT_TRUE(mentions(spec_error("hard:gamma=" + value), {"gamma=" + value, "finite number"}));
  }
  for (const std::string value : {"1.5", "abc", "1e3", "100.0", "99999999999999999999"}) {
    EXPECT_TRUE(mentions(spec_error("planted:n=" + value), {"n=" + value, "integer"}));
  }
  EXPECT_TRUE(mentions(spec_error("planted:seed=-1"), {"seed", "-1"}));
  // Values in range syntactically but rejected by the generators.
  EXPECT_TRUE(mentions(spec_error("planted:n=0"), {"n"}));
  EXPECT_TRUE(mentions(spec_error("planted:d=-2"), {"d"}));
  EXPECT_TRUE(mentions(spec_error("hard:gamma=1"), {"gamma"}));
  EXPECT_TRUE(mentions(spec_error("oned:x=0"), {"x"}));
}

TEST(DatasetSpecErrors, IntegerKeysSayWhatIsWrongWithTheValue) {
  // issue 17: "planted:n=1e20" was "not an integer"; it is an integer, too large for n.
  EXPECT_TRUE(mentions(spec_error("planted:n=1e20"),
                       {"n=1e20", "too large for an integer", "9223372036854775807"}));
  EXPECT_TRUE(mentions(spec_error("planted:seed=99999999999999999999"), {"too large"}));
  EXPECT_TRUE(
      mentions(spec_error("planted:n=1e3"), {"n=1e3", "not an integer in digits: write 1000"}));
  EXPECT_TRUE(mentions(spec_error("planted:d=100.0"), {"d=100.0", "write 100"}));
  EXPECT_TRUE(mentions(spec_error("planted:d=2.5"), {"d=2.5 is not an integer"}));
  EXPECT_EQ(spec_error("planted:d=2.5").find("digits"), std::string::npos);
  EXPECT_TRUE(mentions(spec_error("planted:d=x"), {"d=x is not an integer"}));
  EXPECT_EQ(parse_dataset_spec("planted:n=+5").params.at("n"), "5");  // one '+', as everywhere
}

TEST(DatasetSpecErrors, NumberKeysSayWhatIsWrongWithTheValue) {
  EXPECT_TRUE(
      mentions(spec_error("hard:gamma=1e999"), {"gamma=1e999", "beyond the largest double"}));
  EXPECT_TRUE(mentions(spec_error("hard:gamma=1e-400"),
                       {"gamma=1e-400", "nonzero but below the smallest double"}));
  EXPECT_TRUE(mentions(spec_error("oned:x=nan"), {"x=nan", "NaN or Inf"}));
  EXPECT_TRUE(mentions(spec_error("oned:x=0x1"), {"x=0x1 is not a finite number"}));
  EXPECT_EQ(parse_dataset_spec("oned:x=+0.5").canonical(), "oned:x=0.5");
}

TEST(MakeDataset, RefusesHugePlantedRequestsAtOnceNamingTheSize) {
  // issue 17: the first hung for about 15 minutes a row, the second grew past 2.3 GB, the third
  // ended in std::bad_alloc.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(mentions(spec_error("planted:n=10,d=10000"),
                       {"gamma = 0.05", "d = 10000", "draws per row", "use gamma <="}));
  EXPECT_TRUE(mentions(spec_error("planted:n=1000,d=1000000000"),
                       {"n = 1000, d = 1000000000", "8.02 TB", "available", "smaller n or d"}));
  {
    const ScopedEnv limit("LARGESTEP_MAX_MEMORY", "8e9");
    EXPECT_TRUE(mentions(spec_error("planted:n=1000000000"),
                         {"n = 1000000000, d = 10", "88 GB", "8 GB (8000000000 bytes) available"}));
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5);
}

TEST(DatasetSpecErrors, FileKindsNeedAPathAndConsistentOptions) {
  const TempDir dir;
  const std::string path = dir.write("a.libsvm", "1 1:0.5\n0 1:-1\n");
  const std::string csv = dir.write("a.csv", "0.5,1\n-1,-1\n");
  for (const std::string text : {"libsvm", "libsvm:", "libsvm:neg=0,pos=1", "csv", "csv:label=last"})
    EXPECT_TRUE(mentions(spec_error(text), {"path"})) << text;
  EXPECT_TRUE(mentions(spec_error("libsvm:" + path + ",neg=0"), {"neg", "pos"}));
  EXPECT_TRUE(mentions(spec_error("libsvm:" + path + ",pos=1"), {"neg", "pos"}));
  EXPECT_TRUE(mentions(spec_error("libsvm:" + path + ",neg=1,pos=1"), {"neg", "pos", "differ"}));
  EXPECT_TRUE(mentions(spec_error("libsvm:" + path + ",neg=zero,pos=1"), {"neg=zero"}));
  EXPECT_TRUE(mentions(spec_error("libsvm:" + path + ",neg=0,pos=1,scale=maybe"),
                       {"scale=maybe", "max", "none"}));
  EXPECT_TRUE(mentions(spec_error("csv:" + csv + ",label=middle"), {"label=middle", "first", "last"}));
  EXPECT_TRUE(mentions(spec_error("csv:" + csv + ",header=maybe"), {"header=maybe", "yes", "no"}));
  EXPECT_TRUE(mentions(spec_error("libsvm:" + path + ",label=first"), {"label"}));  // csv-only key
  // Without a label map, 0/1 labels are an error from the reader.
  EXPECT_THROW(make_dataset("libsvm:" + path), DataError);
}

TEST(DatasetSpecCanonical, FashionSortsTheClassesOfEachSide) {
  EXPECT_EQ(parse_dataset_spec("fashion:7v9").canonical(), "fashion:7v9,split=train");
  EXPECT_EQ(parse_dataset_spec("fashion:9v7").canonical(), "fashion:9v7,split=train");
  EXPECT_EQ(parse_dataset_spec("fashion:6+0+4+2v1+7+5+3,split=test").canonical(),
            "fashion:0+2+4+6v1+3+5+7,split=test");
}

TEST(DatasetSpecErrors, FashionClassesAreTwoDisjointGroupsOfClasses0To9) {
  const auto error = [](const std::string& text) {
    return error_of([&] { parse_dataset_spec(text); });
  };
  EXPECT_TRUE(mentions(error("fashion:7v7"), {"class 7", "on both sides", "'7v7'"}));
  EXPECT_TRUE(mentions(error("fashion:1+7v9+7"), {"class 7", "on both sides"}));
  EXPECT_TRUE(mentions(error("fashion:7+7v9"), {"class 7", "twice on one side"}));
  EXPECT_TRUE(mentions(error("fashion:7v10"), {"class '10'", "not a class 0..9"}));
  EXPECT_TRUE(mentions(error("fashion:7v-1"), {"class '-1'", "not a class 0..9"}));
  EXPECT_TRUE(mentions(error("fashion:7vx"), {"class 'x'", "not a class 0..9"}));
  EXPECT_TRUE(mentions(error("fashion:v9"), {"a side of 'v9' names no class"}));
  EXPECT_TRUE(mentions(error("fashion:7v"), {"a side of '7v' names no class"}));
  EXPECT_TRUE(mentions(error("fashion:7+v9"), {"class ''", "not a class 0..9"}));
  EXPECT_TRUE(mentions(error("fashion:7v9v8"), {"expected two groups of classes AvB"}));
  EXPECT_TRUE(mentions(error("fashion:79"), {"expected two groups of classes AvB"}));
  EXPECT_TRUE(mentions(error("fashion"), {"expected two groups of classes AvB"}));
  EXPECT_TRUE(mentions(error("fashion:7v9,split=valid"), {"split=valid", "train", "test"}));
  EXPECT_TRUE(mentions(error("fashion:7v9,split=test,split=train"), {"'split' given twice"}));
  EXPECT_TRUE(mentions(error("fashion:7v9,scale=none"), {"no parameter 'scale'", "split"}));
}

Dataset<double> small_dataset() {
  Dataset<double> data;
  data.X = RowMatrix<double>::Identity(2, 2);
  data.y = Vector<double>::Ones(2);
  return data;
}

TEST(Validate, AcceptsAWellFormedDataset) {
  EXPECT_NO_THROW(validate(small_dataset()));
  EXPECT_NO_THROW(validate(make_toy4()));
}

TEST(Validate, RejectsEachBrokenInvariantNamingIt) {
  Dataset<double> data = small_dataset();
  data.X.resize(0, 2);
  data.y.resize(0);
  EXPECT_TRUE(mentions(error_of([&] { validate(data); }), {"no examples"}));

  data = small_dataset();
  data.X.resize(2, 0);
  EXPECT_TRUE(mentions(error_of([&] { validate(data); }), {"no features"}));

  data = small_dataset();
  data.y = Vector<double>::Ones(3);
  EXPECT_TRUE(mentions(error_of([&] { validate(data); }), {"3 labels", "2 examples"}));

  data = small_dataset();
  data.y(1) = 0;
  EXPECT_TRUE(mentions(error_of([&] { validate(data); }), {"label", "1"}));

  for (const double bad : {std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity()}) {
    data = small_dataset();
    data.X(1, 0) = bad;
    data.spec = "toy-spec";
    EXPECT_TRUE(mentions(error_of([&] { validate(data); }), {"toy-spec", "X(1, 0)", "finite"}));
  }
}

}  // namespace
}  // namespace largestep

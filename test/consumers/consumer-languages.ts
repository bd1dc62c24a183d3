/**
 * The consumer apps in this folder, one a language: how each is built
 * against the packed library (its own run.sh), where it is told to look for
 * another package, what it says when there is none, and which versions of
 * aws-cdk-lib, constructs and the jsii runtime its build asks for. What the
 * consumer test checks of every app is in consumer-apps.consumer.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

/** Versions the consumer app's build asks for, by package, next to the versions it must ask for. */
export interface VersionPins {
  readonly asked: Record<string, string | undefined>;
  readonly expected: Record<string, string | undefined>;
}

export interface ConsumerLanguage {
  /** The language, as the test names it. */
  readonly name: string;
  /** The script that builds the app and synthesizes it into the folder given as its one argument. */
  readonly run: string;
  /** The variable that points run.sh at another folder of packed library. */
  readonly distVariable: string;
  /** What run.sh says when that folder holds no package of the library (the folder's name ends in `no-dist`). */
  readonly missingPackage: RegExp;
  /**
   * The aws-cdk-lib and constructs the app builds with must be the ones the
   * TypeScript app synthesizes with: a template difference caused by another
   * version would look like a bug in the bindings. A jsii runtime the app
   * pins must be the one the packed library was generated for: an older one
   * may not speak its kernel protocol.
   */
  pins(): VersionPins;
}

/** The version of an npm package the TypeScript app runs with. */
function npmVersion(name: string): string {
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
}

/** The library's version, which jsii-pacmak gives every package. */
function libraryVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The version `requirements.txt` pins `name` to. */
function pythonPin(requirements: string, name: string): string | undefined {
  const line = fs.readFileSync(requirements, 'utf8').split('\n').find((l) => l.startsWith(`${name}==`));
  return line?.slice(name.length + 2).split(/[\s;\\]/)[0];
}

/** The version a go.mod requires `module` at. */
function goRequirement(goMod: string, module: string): string | undefined {
  const text = fs.readFileSync(goMod, 'utf8');
  return new RegExp(`^\\s*(?:require\\s+)?${escaped(module)}\\s+v(\\S+)`, 'm').exec(text)?.[1];
}

/** The text of a pom's `<name>` property. */
function pomProperty(pom: string, name: string): string | undefined {
  return new RegExp(`<${escaped(name)}>([^<]+)</${escaped(name)}>`).exec(fs.readFileSync(pom, 'utf8'))?.[1];
}

/** The version a pom declares its dependency on `artifactId` at. */
function pomDependency(pom: string, artifactId: string): string | undefined {
  const text = fs.readFileSync(pom, 'utf8');
  return new RegExp(`<artifactId>${escaped(artifactId)}</artifactId>\\s*<version>([^<]+)</version>`).exec(text)?.[1];
}

const PYTHON_REQUIREMENTS = path.join(__dirname, 'python', 'requirements.txt');

/** test/consumers/python/app.py, in a virtualenv with aws-cdk-lib from PyPI and the wheel from `npx projen package:python`. */
export const PYTHON: ConsumerLanguage = {
  name: 'Python',
  run: path.join(__dirname, 'python', 'run.sh'),
  distVariable: 'CONSUMER_PYTHON_DIST',
  missingPackage: /no wheel of cdk-mlops-framework in .*no-dist: run npx projen compile && npx projen package:python/,
  pins: () => ({
    asked: { 'aws-cdk-lib': pythonPin(PYTHON_REQUIREMENTS, 'aws-cdk-lib'), 'constructs': pythonPin(PYTHON_REQUIREMENTS, 'constructs') },
    expected: { 'aws-cdk-lib': npmVersion('aws-cdk-lib'), 'constructs': npmVersion('constructs') },
  }),
};

const JAVA_POM = path.join(__dirname, 'java', 'pom.xml');

/** test/consumers/java/, a Maven project with aws-cdk-lib from Maven Central and the jar from `npx projen package:java`. */
export const JAVA: ConsumerLanguage = {
  name: 'Java',
  run: path.join(__dirname, 'java', 'run.sh'),
  distVariable: 'CONSUMER_JAVA_DIST',
  missingPackage: /no jar of cdk-mlops-framework [^ ]+ in .*no-dist: run npx projen compile && npx projen package:java/,
  pins: () => {
    const version = libraryVersion();
    const packedPom = path.join(ROOT, 'dist', 'java', 'io', 'github', 'cdkmlops', 'cdk-mlops-framework', version, `cdk-mlops-framework-${version}.pom`);
    return {
      asked: {
        'aws-cdk-lib': pomProperty(JAVA_POM, 'aws-cdk-lib.version'),
        'constructs': pomProperty(JAVA_POM, 'constructs.version'),
        'jsii-runtime': pomProperty(JAVA_POM, 'jsii-runtime.version'),
      },
      expected: {
        'aws-cdk-lib': npmVersion('aws-cdk-lib'),
        'constructs': npmVersion('constructs'),
        'jsii-runtime': pomDependency(packedPom, 'jsii-runtime'),
      },
    };
  },
};

const GO_MOD = path.join(__dirname, 'go', 'go.mod');
const PACKED_GO_MOD = path.join(ROOT, 'dist', 'go', 'cdkmlopsframework', 'go.mod');

/** test/consumers/go/, a Go module with aws-cdk-go from the Go module proxy and the module from `npx projen package:go`. */
export const GO: ConsumerLanguage = {
  name: 'Go',
  run: path.join(__dirname, 'go', 'run.sh'),
  distVariable: 'CONSUMER_GO_DIST',
  missingPackage: /no Go module of cdk-mlops-framework in .*no-dist: run npx projen compile && npx projen package:go/,
  pins: () => ({
    asked: {
      'aws-cdk-lib': goRequirement(GO_MOD, 'github.com/aws/aws-cdk-go/awscdk/v2'),
      'constructs': goRequirement(GO_MOD, 'github.com/aws/constructs-go/constructs/v10'),
      'jsii-runtime': goRequirement(GO_MOD, 'github.com/aws/jsii-runtime-go'),
    },
    expected: {
      'aws-cdk-lib': npmVersion('aws-cdk-lib'),
      'constructs': npmVersion('constructs'),
      'jsii-runtime': goRequirement(PACKED_GO_MOD, 'github.com/aws/jsii-runtime-go'),
    },
  }),
};

export const CONSUMER_LANGUAGES: readonly ConsumerLanguage[] = [PYTHON, JAVA, GO];

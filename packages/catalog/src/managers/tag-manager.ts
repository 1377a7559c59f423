/** AddTag (datacatalog/pkg/manager/impl/tag_manager.go). */
import { create } from "@bufbuild/protobuf";
import {
  type AddTagRequest,
  type AddTagResponse,
  AddTagResponseSchema,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { CatalogRepositories } from "../repositories/create-catalog-repositories.js";
import { datasetKeyOf } from "../transformers/dataset-transformer.js";
import { validateTag } from "../validation/tag-validation.js";
import { getDatasetRow } from "./dataset-manager.js";
import { datasetIdText, missingEntity } from "./missing-entity.js";

export interface TagManager {
  /**
   * Names an artifact of a dataset. Tags never move: tagging again is AlreadyExists, whichever artifact it names.
   * @throws AloftError InvalidArgument for a bad tag, NotFound for an unknown dataset or artifact.
   */
  addTag(request: AddTagRequest): Promise<AddTagResponse>;
}

export function createTagManager(repos: CatalogRepositories): TagManager {
  return {
    async addTag(request) {
      const tag = request.tag;
      validateTag(tag);
      const datasetRow = await getDatasetRow(repos, tag.dataset);
      const dataset = datasetKeyOf(tag.dataset);
      const artifact = await repos.artifacts.find({ dataset, artifactId: tag.artifactId });
      if (artifact === undefined) {
        throw missingEntity("Artifact", [
          ["id", tag.artifactId],
          ["dataset", datasetIdText(dataset)],
        ]);
      }
      await repos.tags.create({
        dataset,
        datasetUuid: datasetRow.uuid,
        tagName: tag.name,
        artifactId: tag.artifactId,
        artifactRowId: artifact.row.id,
      });
      return create(AddTagResponseSchema);
    },
  };
}
